/*
 * stressplan reporter ABI: a plugin that receives the run as a stream of JSON documents and
 * writes a report.
 *
 * Each document is a UTF-8 JSON object in the versioned schema of the JSON report
 * (docs/report-schema.json); its "type" member repeats the sp_document_kind. A run sends:
 *   one SP_DOC_RUN_START, then SP_DOC_SNAPSHOT about once a second and SP_DOC_EVENT as events
 *   happen, then one SP_DOC_SUMMARY, then `finish`.
 *
 * THREADING: all calls for one instance come from the host's single bus thread, never from a
 * load thread, so a slow reporter never stalls the load (the host counts what it drops).
 */
#ifndef STRESSPLAN_REPORTER_H
#define STRESSPLAN_REPORTER_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sp_document_kind {
    SP_DOC_RUN_START = 1, /* "run_start": the plan, the profile, the stages */
    SP_DOC_SNAPSHOT = 2,  /* "snapshot": the last second's metrics */
    SP_DOC_EVENT = 3,     /* "event": a named event (stage change, circuit trip, fault) */
    SP_DOC_SUMMARY = 4    /* "summary": the whole run's results */
} sp_document_kind;

typedef struct sp_reporter_vtable {
    uint32_t struct_size;

    /* OWNERSHIP: options borrowed; *instance is the plugin's until destroy. */
    sp_status (*create)(const sp_host_api *host, void *host_ctx, const sp_options *options,
                        void **instance, sp_error *err);

    /* OWNERSHIP: `json` is borrowed for the call only. */
    sp_status (*on_document)(void *instance, sp_document_kind kind, sp_str json, sp_error *err);

    /* The run is over: write and flush everything. Called once, after the summary. */
    sp_status (*finish)(void *instance, sp_error *err);

    void (*destroy)(void *instance);

    /* ---- ABI 1.2 (check struct_size: a 1.1 plugin's vtable ends before this) ---- */

    /*
     * Optional (NULL = the host skips it). Checks the reporter's options as `create` would and
     * reports the first refusal the same way, without creating anything or writing a file.
     * The host calls it from `stressplan validate` and before a run starts anything.
     * OWNERSHIP: options borrowed for the call.
     * THREADING: main thread, never at the same time as another call on this plugin.
     */
    sp_status (*check_options)(const sp_host_api *host, void *host_ctx, const sp_options *options,
                               sp_error *err);
} sp_reporter_vtable;

#ifdef __cplusplus
}
#endif

#endif /* STRESSPLAN_REPORTER_H */
