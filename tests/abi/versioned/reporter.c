/*
 * A reporter built against one frozen ABI header set: counts the documents it receives by kind
 * and, at finish, writes "run_start=N snapshot=N event=N summary=N" to its `path`.
 */
#include <stdlib.h>

#include <stressplan/reporter.h>

#include "versioned.h"

typedef struct counter {
    char path[4096];
    unsigned long by_kind[5];
} counter;

static const sp_option_decl options[] = {
    {"path", SP_OPT_PATH, "documents.txt", 0, "file the document counts are written to"},
    {"note", SP_OPT_STRING, "none", 0, "a second option, so a misread stride shows"},
};

static sp_status counter_create(const sp_host_api *host, void *host_ctx, const sp_options *opts,
                                void **instance, sp_error *err) {
    counter *c;
    (void)host;
    (void)host_ctx;
    if (!versioned_options_match(options, 2, opts, err)) return SP_INVALID_ARGUMENT;
    c = (counter *)calloc(1, sizeof *c);
    if (c == NULL) return SP_ERROR;
    versioned_text(&opts->values[0], c->path, sizeof c->path);
    *instance = c;
    return SP_OK;
}

static sp_status counter_on_document(void *instance, sp_document_kind kind, sp_str json, sp_error *err) {
    counter *c = (counter *)instance;
    (void)err;
    if (json.len == 0 || json.ptr[0] != '{') return SP_ERROR;
    if (kind >= SP_DOC_RUN_START && kind <= SP_DOC_SUMMARY) c->by_kind[kind]++;
    return SP_OK;
}

static sp_status counter_finish(void *instance, sp_error *err) {
    counter *c = (counter *)instance;
    FILE *f = fopen(c->path, "w");
    if (f == NULL) {
        snprintf(err->message, sizeof err->message, "cannot write %.400s", c->path);
        return SP_ERROR;
    }
    fprintf(f, "run_start=%lu snapshot=%lu event=%lu summary=%lu\n", c->by_kind[SP_DOC_RUN_START],
            c->by_kind[SP_DOC_SNAPSHOT], c->by_kind[SP_DOC_EVENT], c->by_kind[SP_DOC_SUMMARY]);
    fclose(f);
    return SP_OK;
}

static void counter_destroy(void *instance) { free(instance); }

static const sp_reporter_vtable vtable = {
    sizeof(sp_reporter_vtable), counter_create, counter_on_document, counter_finish, counter_destroy,
#if SP_ABI_VERSION_MINOR >= 2
    NULL /* check_options */
#endif
};

static const sp_plugin_descriptor descriptor = {
    SP_DESCRIPTOR_HEADER, SP_KIND_REPORTER, FIXTURE_NAME, "1.0.0",
    "counts the documents of a run by kind (ABI fixture)", options, 2, &vtable,
    VERSIONED_DESCRIPTOR_TAIL};

SP_EXPORT const sp_plugin_descriptor *stressplan_plugin_entry(void) { return &descriptor; }
