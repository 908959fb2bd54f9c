/*
 * flag_file: a stressplan fault plugin in plain C that creates a file while the fault is in and
 * removes it when the fault is reverted - the way many services are put into maintenance mode
 * or have a kill switch thrown (`touch /srv/app/maintenance`). The file can outlive a killed
 * run, so the plugin writes a journal record and `stressplan recover` removes it afterwards.
 *
 * Options (a chaos step's):
 *   path     (path, required)  the file; relative to the plan's folder
 *   content  (string, default "") written into the file
 *
 * THREADING: every call on the run's chaos thread (recover: in `stressplan recover`); never two
 * at once on one instance. Each call returns at once: a file is created or removed.
 */
#define _POSIX_C_SOURCE 200809L /* open's O_CLOEXEC, fdopen */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stressplan/fault.h>

typedef struct flag_file {
    char path[1024];
    char content[1024];
    int created; /* 1 once inject made the file: revert removes only a file it made */
} flag_file;

static const sp_option_decl options[] = {
    {"path", SP_OPT_PATH, NULL, 1, "the file to create while the fault is in (relative: to the plan's folder)"},
    {"content", SP_OPT_STRING, "", 0, "what to write into the file"},
};

static sp_status refuse(sp_error *err, const char *option, const char *message, const char *path) {
    snprintf(err->message, sizeof err->message, "flag_file: %s%s%.900s", message, path ? ": " : "",
             path ? path : "");
    if (option) snprintf(err->option, sizeof err->option, "%s", option);
    return option ? SP_INVALID_ARGUMENT : SP_ERROR;
}

/* The plugin's own rules for its options, beyond the types the host already checked. The same
 * function serves `check_options` (ABI 1.2: `stressplan validate`, and `run` before it starts
 * anything) and `create`, so the two can never disagree. No side effects: it only reads. */
static sp_status flag_check_options(const sp_host_api *host, void *host_ctx, const sp_options *opts,
                                    sp_error *err) {
    const sp_str path = opts->values[0].s;
    const sp_str content = opts->values[1].s;
    size_t i;
    (void)host;
    (void)host_ctx;
    if (path.len == 0 || path.len >= sizeof ((flag_file *)0)->path)
        return refuse(err, "path", "path must be 1 to 1023 bytes", NULL);
    for (i = 0; i < path.len; ++i) {
        /* Kept out of the journal record, which is JSON we write by hand below. */
        if ((unsigned char)path.ptr[i] < 0x20) return refuse(err, "path", "path holds a control character", NULL);
    }
    if (content.len >= sizeof ((flag_file *)0)->content)
        return refuse(err, "content", "content is over 1023 bytes", NULL);
    return SP_OK;
}

static sp_status flag_create(const sp_host_api *host, void *host_ctx, const sp_options *opts,
                             void **instance, sp_error *err) {
    flag_file *f;
    const sp_status checked = flag_check_options(host, host_ctx, opts, err);
    if (checked != SP_OK) return checked;
    f = (flag_file *)calloc(1, sizeof *f);
    if (f == NULL) return refuse(err, NULL, "out of memory", NULL);
    memcpy(f->path, opts->values[0].s.ptr, opts->values[0].s.len);
    memcpy(f->content, opts->values[1].s.ptr, opts->values[1].s.len);
    *instance = f;
    return SP_OK;
}

/* How to undo the fault from another process: {"path":"<the file>"}. Called right before inject. */
static size_t flag_journal_record(void *instance, char *buf, size_t cap) {
    const flag_file *f = (const flag_file *)instance;
    char escaped[2 * sizeof f->path];
    size_t i, n = 0;
    int len;
    for (i = 0; f->path[i] != '\0'; ++i) {
        if (f->path[i] == '"' || f->path[i] == '\\') escaped[n++] = '\\';
        escaped[n++] = f->path[i];
    }
    escaped[n] = '\0';
    len = snprintf(buf, cap, "{\"path\":\"%s\"}", escaped);
    return len < 0 ? 0 : (size_t)len; /* >= cap: the host calls again with a larger buffer */
}

static sp_status flag_inject(void *instance, sp_error *err) {
    flag_file *f = (flag_file *)instance;
    FILE *out;
    /* O_EXCL: a file that is already there is not ours, and revert must not remove it. */
    int fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        return refuse(err, NULL, errno == EEXIST ? "the file is already there (not ours to remove)"
                                                 : strerror(errno), f->path);
    }
    f->created = 1;
    out = fdopen(fd, "w");
    if (out == NULL) {
        close(fd);
        return refuse(err, NULL, "cannot write", f->path);
    }
    fputs(f->content, out);
    fclose(out);
    return SP_OK;
}

/* Safe after a failed inject or none: removes only the file inject made. */
static sp_status flag_revert(void *instance, sp_error *err) {
    flag_file *f = (flag_file *)instance;
    if (!f->created) return SP_OK;
    if (unlink(f->path) != 0 && errno != ENOENT) return refuse(err, NULL, strerror(errno), f->path);
    f->created = 0;
    return SP_OK;
}

static int flag_is_active(void *instance) {
    const flag_file *f = (const flag_file *)instance;
    struct stat st;
    return f->created && stat(f->path, &st) == 0;
}

static void flag_destroy(void *instance) { free(instance); }

/* Reads the path back out of our own record ({"path":"..."}, only \" and \\ escaped). */
static int record_path(const char *record, char *out, size_t cap) {
    const char *p = strstr(record, "\"path\"");
    size_t n = 0;
    if (p == NULL) return 0;
    p += strlen("\"path\"");
    while (*p == ' ' || *p == ':') ++p;
    if (*p++ != '"') return 0;
    for (; *p != '\0' && *p != '"'; ++p) {
        if (*p == '\\') {
            ++p;
            if (*p != '"' && *p != '\\' && *p != '/') return 0;
        }
        if (n + 1 >= cap) return 0;
        out[n++] = *p;
    }
    out[n] = '\0';
    return *p == '"' && n > 0;
}

/* After a killed run: removes the file. Idempotent - already gone is success. */
static sp_status flag_recover(const sp_host_api *host, void *host_ctx, const char *record, sp_error *err) {
    char path[1024];
    (void)host;
    (void)host_ctx;
    if (!record_path(record, path, sizeof path)) return refuse(err, NULL, "not a flag_file record", record);
    if (unlink(path) != 0 && errno != ENOENT) return refuse(err, NULL, strerror(errno), path);
    return SP_OK;
}

static const sp_fault_vtable vtable = {
    sizeof(sp_fault_vtable), flag_create, flag_inject, flag_revert, flag_is_active, flag_destroy,
    NULL, 0, NULL, NULL, NULL, /* no sites */
    flag_journal_record, flag_recover,
    flag_check_options, NULL, NULL /* ABI 1.2: options checked before the run; no sites */};

static const sp_plugin_descriptor descriptor = {
    SP_DESCRIPTOR_HEADER, SP_KIND_FAULT, "flag_file", "1.0.0",
    "creates a file while the fault is in (a maintenance or kill-switch flag); recoverable",
    options, 2, &vtable, NULL, NULL, SP_ELEMENT_SIZES};

SP_PLUGIN_ENTRY { return &descriptor; }
