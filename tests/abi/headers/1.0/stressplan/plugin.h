/*
 * stressplan plugin ABI: the part every plugin kind shares.
 *
 * This is a pure C99 header with no dependencies beyond <stddef.h> and <stdint.h>. It is the
 * only contract between the stressplan host and a plugin; the host is C++, a plugin may be
 * written in C, C++ or anything that can export a C function.
 *
 * THE ENTRY SYMBOL
 *   Every plugin library exports exactly one function, named by SP_ENTRY_SYMBOL:
 *
 *     SP_EXPORT const sp_plugin_descriptor *stressplan_plugin_entry(void);
 *
 *   It returns a pointer to a static descriptor. It must not allocate, block or fail; anything
 *   that can fail belongs in `init`.
 *
 * VERSIONING
 *   Each struct that crosses the boundary starts with `struct_size`, and the descriptor also
 *   carries the ABI major/minor it was built against (SP_ABI_VERSION_MAJOR/MINOR below).
 *   - The host refuses a plugin whose major differs from its own, naming the file and both
 *     versions.
 *   - Fields are only ever appended within a major. A host reading a struct smaller than its own
 *     treats the missing tail as zero (NULL callbacks, 0 counts); a plugin reading a host struct
 *     must likewise check `struct_size` before touching fields newer than the minor it knows.
 *   - A function pointer's signature never changes; a changed call is added as `name_v2`.
 *
 * OWNERSHIP
 *   Whoever allocates, frees. Pointers handed across a call (sp_str, option tables, documents)
 *   are borrowed and valid for that call only, unless a field's comment says otherwise. Strings
 *   in descriptors and option declarations are owned by the plugin and must stay valid until
 *   the library is unloaded (static storage is the normal case). The host never unloads a
 *   library before every object the plugin created has been destroyed.
 *
 * ERRORS
 *   No exception, longjmp or C++ type crosses the boundary. Calls that can fail return
 *   sp_status and describe the failure in a host-owned sp_error (see below). A C++ plugin must
 *   catch everything at its exported edge.
 *
 * THREADING
 *   Each callback documents the thread it is called on. Unless stated, the host never calls
 *   into one plugin object from two threads at once.
 */
#ifndef STRESSPLAN_PLUGIN_H
#define STRESSPLAN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SP_ABI_VERSION_MAJOR 1
#define SP_ABI_VERSION_MINOR 0

/* Name of the one symbol each plugin library exports. */
#define SP_ENTRY_SYMBOL "stressplan_plugin_entry"

#if defined(_WIN32)
#define SP_EXPORT __declspec(dllexport)
#else
#define SP_EXPORT __attribute__((visibility("default")))
#endif

/* Result of every call that can fail. */
typedef enum sp_status {
    SP_OK = 0,
    SP_ERROR = 1,            /* failed; sp_error says why */
    SP_INVALID_ARGUMENT = 2, /* an option or argument was refused; sp_error names it */
    SP_UNSUPPORTED = 3       /* the plugin does not implement this call */
} sp_status;

/* A borrowed, not necessarily NUL-terminated UTF-8 string. */
typedef struct sp_str {
    const char *ptr;
    size_t len;
} sp_str;

/* What a plugin is. The vocabulary is fixed: it names folders, YAML keys and docs alike. */
typedef enum sp_kind {
    SP_KIND_TARGET = 1,  /* drives requests against a system under test: target.h */
    SP_KIND_FAULT = 2,   /* injects and reverts a fault: fault.h */
    SP_KIND_REPORTER = 3 /* receives run documents and writes a report: reporter.h */
} sp_kind;

typedef enum sp_log_level {
    SP_LOG_DEBUG = 0,
    SP_LOG_INFO = 1,
    SP_LOG_WARN = 2,
    SP_LOG_ERROR = 3
} sp_log_level;

/*
 * Failure details, owned by the host and zero-filled before each call that takes one.
 * The plugin writes NUL-terminated text (truncating as needed) and leaves unused fields empty.
 *   message: what failed and what to do about it, in one sentence.
 *   option:  the plan option the failure is about (e.g. "base_url"), or empty.
 *   path:    a JSON pointer inside that option's value (e.g. "/2/status" for the third
 *            element's "status" of a JSON-typed option), or empty. The host turns option+path
 *            into file:line:column of the plan.
 */
typedef struct sp_error {
    char message[512];
    char option[128];
    char path[256];
} sp_error;

/*
 * Option types. The host parses the plan's YAML, checks types and units, and hands the plugin
 * typed values; plugins never parse units.
 */
typedef enum sp_option_type {
    SP_OPT_STRING = 1,   /* value.s */
    SP_OPT_INT = 2,      /* value.i */
    SP_OPT_FLOAT = 3,    /* value.f */
    SP_OPT_BOOL = 4,     /* value.b (0 or 1) */
    SP_OPT_DURATION = 5, /* value.i, nanoseconds; plan syntax "500ms", "30s", "5m", "1h" */
    SP_OPT_SIZE = 6,     /* value.i, bytes; plan syntax "4KiB", "2MB", "512" */
    SP_OPT_RATE = 7,     /* value.f, events per second; plan syntax "200/s", "1200/m" */
    SP_OPT_JSON = 8,     /* value.s holds any YAML value (map, list, scalar) as JSON text */
    SP_OPT_PATH = 9      /* value.s, a filesystem path the host made absolute: relative to the
                            report directory (--report) for reporters, to the plan's folder
                            for every other kind */
} sp_option_type;

/*
 * One option a plugin accepts. Declared by the plugin in static storage.
 *   default_value: in plan syntax ("30s", "true", "GET"), or NULL for no default.
 *   required:      1 if the plan must set it; a required option has no default.
 */
typedef struct sp_option_decl {
    const char *name;
    sp_option_type type;
    const char *default_value;
    int required;
    const char *description;
} sp_option_decl;

/*
 * One resolved option value, handed to the plugin in the order of its declarations.
 * is_set: 1 if the plan (or the declared default) gave a value, 0 if absent and no default.
 * Only the field that matches `type` is meaningful.
 * OWNERSHIP: borrowed; `s` points into host memory valid for the call that received it.
 */
typedef struct sp_option_value {
    const char *name;
    sp_option_type type;
    int is_set;
    int64_t i;
    double f;
    int b;
    sp_str s;
} sp_option_value;

/* A table of resolved values: values[k] answers decls[k] of the table it was declared by. */
typedef struct sp_options {
    size_t count;
    const sp_option_value *values;
} sp_options;

/*
 * Functions the host offers every plugin. Handed to `init` and to every `create`, together
 * with an opaque `host_ctx` that must be passed back unchanged on each call.
 * OWNERSHIP: the table and host_ctx stay valid until the object they were handed to is
 * destroyed (for `init`: until the library's `shutdown`).
 * THREADING: every function here may be called from any thread at any time.
 */
typedef struct sp_host_api {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /* Writes a log line attributed to the plugin. `message` is borrowed, NUL-terminated. */
    void (*log)(void *host_ctx, sp_log_level level, const char *message);

    /* Monotonic clock in nanoseconds, the same clock every timestamp in the ABI uses. */
    uint64_t (*now_ns)(void *host_ctx);

    /*
     * Publishes a named event (e.g. "circuit_open") with a value onto the metrics bus.
     * Cheap enough for occasional use; targets report per-request events through their
     * result struct instead.
     */
    void (*emit_event)(void *host_ctx, const char *name, double value);

    /*
     * Returns a small stable id for a name (events, checks), the same id for the same name
     * for the whole run. Ids index the names the host reports.
     */
    uint32_t (*intern)(void *host_ctx, const char *name);
} sp_host_api;

/*
 * What the entry symbol returns. Static, owned by the plugin.
 *   kind:    selects which vtable `vtable` points to:
 *              SP_KIND_TARGET -> const sp_target_vtable *   (target.h)
 *              SP_KIND_FAULT -> const sp_fault_vtable *     (fault.h)
 *              SP_KIND_REPORTER -> const sp_reporter_vtable * (reporter.h)
 *   name:    the name plans use ("http", "json"); [a-z0-9_]+, unique among installed plugins.
 *   version: the plugin's own version, free text ("1.2.0").
 *   options: what the plan may set under the plugin's block; validated by the host.
 *   init:    optional; called once after loading, before any `create`. A failure stops the
 *            run with the message and the library's file name. THREADING: main thread.
 *   shutdown: optional; called once before unloading, after every object is destroyed.
 */
typedef struct sp_plugin_descriptor {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    sp_kind kind;
    const char *name;
    const char *version;
    const char *description;
    const sp_option_decl *options;
    size_t option_count;
    const void *vtable;
    sp_status (*init)(const sp_host_api *host, void *host_ctx, sp_error *err);
    void (*shutdown)(void);
} sp_plugin_descriptor;

/* The type of the entry symbol. */
typedef const sp_plugin_descriptor *(*sp_entry_fn)(void);

/* The first three fields of an sp_plugin_descriptor built against this header. */
#define SP_DESCRIPTOR_HEADER \
    sizeof(sp_plugin_descriptor), SP_ABI_VERSION_MAJOR, SP_ABI_VERSION_MINOR

#ifdef __cplusplus
}
#endif

#endif /* STRESSPLAN_PLUGIN_H */
