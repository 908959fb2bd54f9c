/*
 * stressplan plugin ABI: the part every plugin kind shares.
 *
 * This is a pure C99 header with no dependencies beyond <stddef.h> and <stdint.h>. It is the
 * only contract between the stressplan host and a plugin; the host is C++, a plugin may be
 * written in C, C++ or anything that can export a C function.
 *
 * THE ENTRY SYMBOL
 *   Every plugin library exports exactly one function, named by SP_ENTRY_SYMBOL. Define it
 *   with SP_PLUGIN_ENTRY, which gives it C linkage (extern "C" in C++: a C++ name would be
 *   mangled and the host would not find it) and default visibility, in C and in C++ alike:
 *
 *     SP_PLUGIN_ENTRY { return &descriptor; }
 *
 *   This header also declares it, so a C++ definition written out by hand
 *   (`const sp_plugin_descriptor *stressplan_plugin_entry(void)` at global scope) gets C
 *   linkage from that declaration. It returns a pointer to a static descriptor. It must not allocate, block or fail; anything
 *   that can fail belongs in `init`.
 *
 * VERSIONING
 *   Each struct that crosses the boundary starts with `struct_size`, and the descriptor also
 *   carries the ABI major/minor it was built against (SP_ABI_VERSION_MAJOR/MINOR below).
 *   - The host refuses a plugin whose major differs from its own, naming the file and both
 *     versions.
 *   - Fields are only ever appended within a major. The host reads the descriptor, the vtables
 *     and every sp_result by the `struct_size` the plugin declared: a smaller (older) one is
 *     copied into a zeroed host struct, so its missing tail reads as zero (NULL callbacks, 0
 *     counts); a larger (newer) one's extra fields are ignored (an sp_result of the host's size
 *     or larger is read in place). A struct smaller than its ABI 1.0 layout is a plugin error,
 *     never read: a descriptor or vtable keeps the plugin from loading, an sp_result stops the
 *     run with the plugin's name and the size it declared. A plugin reading a host struct must
 *     likewise check `struct_size` before touching fields newer than the minor it knows.
 *   - A function pointer's signature never changes; a changed call is added as `name_v2`.
 *
 * ARRAYS (ABI 1.3)
 *   Three structs travel as arrays, so their size is the stride of the array: sp_option_decl
 *   (plugin to host: the descriptor's `options`, a target's `request_options`, a fault's
 *   `site_options`), sp_option_value (host to plugin: sp_options.values) and sp_request_spec
 *   (host to target: `requests`). They grow like every other struct, by appending fields, and
 *   the descriptor says which size each one had when the plugin was built (SP_ELEMENT_SIZES
 *   fills option_decl_size, option_value_size and request_spec_size):
 *   - The host reads a plugin's declaration tables with the plugin's stride, copying each entry
 *     into a zeroed host entry (a newer plugin's extra fields are ignored, an older plugin's
 *     missing ones read as zero).
 *   - The host hands option values and request specs laid out with the plugin's stride, so a
 *     plugin indexes them as arrays of the struct it was compiled with.
 *   - A descriptor older than 1.3 has no sizes: its arrays have the 1.0 layout, which did not
 *     change up to 1.3. From 1.3 on the sizes are required; a size smaller than the 1.0 layout
 *     is refused, naming the file, as is one the host cannot honour.
 *   sp_str, sp_options and sp_error carry no size and are frozen for major 1 (see each).
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
#define SP_ABI_VERSION_MINOR 5

/* Name of the one symbol each plugin library exports. */
#define SP_ENTRY_SYMBOL "stressplan_plugin_entry"

#if defined(_WIN32)
#define SP_EXPORT __declspec(dllexport)
#else
#define SP_EXPORT __attribute__((visibility("default")))
#endif

/* C linkage for a declaration in a C++ file; nothing in C. */
#ifdef __cplusplus
#define SP_EXTERN_C extern "C"
#else
#define SP_EXTERN_C
#endif

/* The entry function's declarator, with C linkage and default visibility: follow it with the
 * body, `SP_PLUGIN_ENTRY { return &descriptor; }`. */
#define SP_PLUGIN_ENTRY SP_EXTERN_C SP_EXPORT const sp_plugin_descriptor *stressplan_plugin_entry(void)

/* Result of every call that can fail. */
typedef enum sp_status {
    SP_OK = 0,
    SP_ERROR = 1,            /* failed; sp_error says why */
    SP_INVALID_ARGUMENT = 2, /* an option or argument was refused; sp_error names it */
    SP_UNSUPPORTED = 3       /* the plugin does not implement this call */
} sp_status;

/* A borrowed, not necessarily NUL-terminated UTF-8 string. Frozen for major 1. */
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
 * FROZEN for major 1: sp_error has no struct_size, and plugins write into it up to the field
 * sizes they were compiled with (snprintf(err->message, sizeof err->message, ...)), so neither
 * side could tell how far the other may go: its fields and sizes never change within major 1.
 * Text longer than a field is truncated. If a failure ever needs more than these three fields,
 * the way to grow is a new size-tagged struct (sp_error_v2, starting with uint32_t
 * struct_size, host-owned and zeroed like this one) passed by pointer to new `_v2` calls;
 * every call that takes an sp_error keeps taking this one. Major 2 would tag it with a size.
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
    SP_OPT_FLOAT = 3,    /* value.f; plan syntax "0.25", or "25%" for 0.25 */
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
 * One option a plugin accepts. Declared by the plugin in static storage, in arrays whose
 * stride is the descriptor's option_decl_size (ARRAYS above).
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
 * One resolved option value, handed to the plugin in the order of its declarations, in an
 * array whose stride is the descriptor's option_value_size (ARRAYS above).
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

/*
 * A table of resolved values: values[k] answers decls[k] of the table it was declared by.
 * Frozen for major 1: it is embedded in sp_request_spec and never grows; more per-table data
 * would come as a new struct passed to `_v2` calls.
 */
typedef struct sp_options {
    size_t count;
    const sp_option_value *values;
} sp_options;

/*
 * One compiled request step of a target (target.h): its plan name and its options (laid out
 * as the target's request_options). Defined here because the descriptor gives its size.
 * Handed to a target's create and check_options in an array whose stride is the descriptor's
 * request_spec_size (ARRAYS above).
 */
typedef struct sp_request_spec {
    sp_str name;
    sp_options options;
} sp_request_spec;

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

    /* ---- ABI 1.1 (check struct_size before use) ---- */

    /*
     * The pid of the plan service `name` (`services:`), which is also its process group id,
     * or -1 when the plan has no such service or it is not running.
     */
    int64_t (*service_pid)(void *host_ctx, const char *name);

    /*
     * Starts the plan service `name` again (after a fault killed it) and waits until it is
     * healthy (its health_url answers 2xx), at most its start_timeout. SP_ERROR with err
     * filled when it could not be started or did not become healthy.
     * THREADING: fault plugins' chaos thread only.
     */
    sp_status (*service_restart)(void *host_ctx, const char *name, sp_error *err);

    /* ---- ABI 1.3 (check struct_size before use) ---- */

    /*
     * 1 when the plan declares a service `name` (an entry of `services:`), whether or not it
     * is running yet; 0 when it does not. Answers from `stressplan validate` on, before any
     * service starts, so a fault's check_options can refuse a step naming no service.
     * THREADING: any thread.
     */
    int (*service_declared)(void *host_ctx, const char *name);

    /* ---- ABI 1.5 (check struct_size before use) ---- */

    /*
     * The execution segment this process runs (`stressplan run --segment I/N`,
     * docs/distributed.md): writes I to *index and N to *count, 0 and 1 for a whole run. Fixed
     * before the first `create` (and `check_options`) and for the whole run. A plugin that
     * numbers things across the run (a sequence, a position in a file) gives segment I the
     * global numbers n with n % N == I — its local number l is l * N + I — so the segments'
     * values stay disjoint and together are the single machine's.
     * THREADING: any thread.
     */
    void (*segment)(void *host_ctx, uint32_t *index, uint32_t *count);
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
 *   option_decl_size, option_value_size, request_spec_size (ABI 1.3, required from 1.3 on):
 *            sizeof(sp_option_decl), sizeof(sp_option_value), sizeof(sp_request_spec) as the
 *            plugin was built; end the initializer with SP_ELEMENT_SIZES (ARRAYS above).
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

    /* ---- ABI 1.3 ---- */
    uint32_t option_decl_size;
    uint32_t option_value_size;
    uint32_t request_spec_size;
} sp_plugin_descriptor;

/* The type of the entry symbol. */
typedef const sp_plugin_descriptor *(*sp_entry_fn)(void);

/* The entry function every plugin defines (with SP_PLUGIN_ENTRY); declared here, inside this
 * header's extern "C", so that a C++ definition at global scope has C linkage whatever it says. */
SP_EXPORT const sp_plugin_descriptor *stressplan_plugin_entry(void);

/* The first three fields of an sp_plugin_descriptor built against this header. */
#define SP_DESCRIPTOR_HEADER \
    sizeof(sp_plugin_descriptor), SP_ABI_VERSION_MAJOR, SP_ABI_VERSION_MINOR

/* The last three fields (ABI 1.3): the element sizes of the arrays, as built. */
#define SP_ELEMENT_SIZES \
    sizeof(sp_option_decl), sizeof(sp_option_value), sizeof(sp_request_spec)

#ifdef __cplusplus
}
#endif

#endif /* STRESSPLAN_PLUGIN_H */
