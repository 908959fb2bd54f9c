/*
 * ndjson: a stressplan reporter plugin in plain C that streams every document of a run
 * (run_start, one snapshot a second, events, summary) to a file, one JSON object per line -
 * ready for `jq`, a log shipper, or a dashboard that tails it.
 *
 * Options:
 *   path   (path, default "run.ndjson")  where to write; relative to the run's --report folder
 *   flush  (bool, default false)         flush after every line, for tailing a live run
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stressplan/reporter.h>

typedef struct ndjson {
    FILE *out;
    int flush;
    char path[1024];
} ndjson;

static const sp_option_decl options[] = {
    {"path", SP_OPT_PATH, "run.ndjson", 0, "file to write, one JSON document per line"},
    {"flush", SP_OPT_BOOL, "false", 0, "flush after every document (to tail a live run)"},
};

/* The option rules, shared by create and check_options so the two never disagree. */
static sp_status ndjson_parse(const sp_options *opts, sp_error *err) {
    size_t n = opts->values[0].s.len;
    if (n == 0 || n >= sizeof((ndjson *)0)->path) {
        snprintf(err->message, sizeof err->message, "path must be 1 to %u bytes long",
                 (unsigned)(sizeof((ndjson *)0)->path - 1));
        snprintf(err->option, sizeof err->option, "path");
        return SP_INVALID_ARGUMENT;
    }
    return SP_OK;
}

/* ABI 1.2: `stressplan validate` and the run's start call this; it only reads the options. */
static sp_status ndjson_check_options(const sp_host_api *host, void *host_ctx,
                                      const sp_options *opts, sp_error *err) {
    (void)host;
    (void)host_ctx;
    return ndjson_parse(opts, err);
}

/* THREADING: create runs on the main thread; every other call on the host's bus thread. */
static sp_status ndjson_create(const sp_host_api *host, void *host_ctx, const sp_options *opts,
                               void **instance, sp_error *err) {
    ndjson *r;
    size_t n = opts->values[0].s.len;
    (void)host;
    (void)host_ctx;
    if (ndjson_parse(opts, err) != SP_OK) return SP_INVALID_ARGUMENT;
    r = (ndjson *)calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return SP_ERROR;
    }
    memcpy(r->path, opts->values[0].s.ptr, n);
    r->flush = opts->values[1].b;
    *instance = r;
    return SP_OK;
}

static sp_status ndjson_on_document(void *instance, sp_document_kind kind, sp_str json,
                                    sp_error *err) {
    ndjson *r = (ndjson *)instance;
    (void)kind;
    if (r->out == NULL) {
        /* Opened at the first document, so `stressplan validate` never creates files. */
        r->out = fopen(r->path, "w");
        if (r->out == NULL) {
            snprintf(err->message, sizeof err->message, "cannot open %.400s for writing", r->path);
            return SP_ERROR;
        }
    }
    if (fwrite(json.ptr, 1, json.len, r->out) != json.len || fputc('\n', r->out) == EOF) {
        snprintf(err->message, sizeof err->message, "cannot write to %.400s", r->path);
        return SP_ERROR;
    }
    if (r->flush) fflush(r->out);
    return SP_OK;
}

static sp_status ndjson_finish(void *instance, sp_error *err) {
    ndjson *r = (ndjson *)instance;
    if (r->out != NULL && fclose(r->out) != 0) {
        r->out = NULL;
        snprintf(err->message, sizeof err->message, "cannot close %.400s", r->path);
        return SP_ERROR;
    }
    r->out = NULL;
    return SP_OK;
}

static void ndjson_destroy(void *instance) {
    ndjson *r = (ndjson *)instance;
    if (r->out != NULL) fclose(r->out);
    free(r);
}

static const sp_reporter_vtable vtable = {sizeof(sp_reporter_vtable), ndjson_create,
                                          ndjson_on_document,         ndjson_finish,
                                          ndjson_destroy,             ndjson_check_options};

static const sp_plugin_descriptor descriptor = {
    SP_DESCRIPTOR_HEADER, SP_KIND_REPORTER, "ndjson", "1.0.0",
    "streams every run document to a file as newline-delimited JSON",
    options, sizeof options / sizeof options[0], &vtable, NULL, NULL, SP_ELEMENT_SIZES};

SP_PLUGIN_ENTRY { return &descriptor; }
