/*
 * A fault built against one frozen ABI header set: inject creates the file named by `path`
 * (with `content`), revert removes it, is_active says whether it is there.
 */
#define _POSIX_C_SOURCE 200809L /* unlink, access */

#include <stdlib.h>
#include <unistd.h>

#include <stressplan/fault.h>

#include "versioned.h"

typedef struct flag {
    char path[4096];
    char content[256];
} flag;

static const sp_option_decl options[] = {
    {"path", SP_OPT_PATH, NULL, 1, "file that exists while the fault is in"},
    {"content", SP_OPT_STRING, "in", 0, "what the file says"},
};

static sp_status flag_create(const sp_host_api *host, void *host_ctx, const sp_options *opts,
                             void **instance, sp_error *err) {
    flag *f;
    (void)host;
    (void)host_ctx;
    if (!versioned_options_match(options, 2, opts, err)) return SP_INVALID_ARGUMENT;
    f = (flag *)calloc(1, sizeof *f);
    if (f == NULL) return SP_ERROR;
    versioned_text(&opts->values[0], f->path, sizeof f->path);
    versioned_text(&opts->values[1], f->content, sizeof f->content);
    *instance = f;
    return SP_OK;
}

static sp_status flag_inject(void *instance, sp_error *err) {
    flag *f = (flag *)instance;
    FILE *out = fopen(f->path, "w");
    if (out == NULL) {
        snprintf(err->message, sizeof err->message, "cannot create %.400s", f->path);
        return SP_ERROR;
    }
    fputs(f->content, out);
    fclose(out);
    return SP_OK;
}

static sp_status flag_revert(void *instance, sp_error *err) {
    flag *f = (flag *)instance;
    (void)err;
    unlink(f->path);
    return SP_OK;
}

static int flag_is_active(void *instance) { return access(((flag *)instance)->path, F_OK) == 0; }

static void flag_destroy(void *instance) { free(instance); }

static const sp_fault_vtable vtable = {
    sizeof(sp_fault_vtable), flag_create, flag_inject, flag_revert, flag_is_active, flag_destroy,
#if SP_ABI_VERSION_MINOR >= 1
    NULL, 0, NULL, NULL, NULL, /* no sites */
    NULL, NULL,                /* nothing outlives the process: no journal record, no recover */
#endif
#if SP_ABI_VERSION_MINOR >= 2
    NULL, NULL, NULL /* no checks before the run */
#endif
};

static const sp_plugin_descriptor descriptor = {
    SP_DESCRIPTOR_HEADER, SP_KIND_FAULT, FIXTURE_NAME, "1.0.0",
    "a file that exists while the fault is in (ABI fixture)", options, 2, &vtable,
    VERSIONED_DESCRIPTOR_TAIL};

SP_EXPORT const sp_plugin_descriptor *stressplan_plugin_entry(void) { return &descriptor; }
