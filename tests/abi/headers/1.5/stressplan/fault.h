/*
 * stressplan fault ABI: a plugin that injects a fault into the system under test and takes it
 * back out.
 *
 * A fault instance is created per chaos step from the step's options. The host calls inject
 * at the step's start and revert at its end, on error, and on interruption; then it asks
 * is_active to verify that nothing of the fault remains.
 *
 * SITES (ABI 1.1): some faults act on something that must exist for the whole run, whether or
 * not a fault is active: the fault proxy's listeners sit between a client and its upstream
 * from the first request to the last. A plugin may declare site options; each entry of the
 * plan's `proxies:` naming the plugin opens one site before the plan's services start, and
 * closes it after they stopped. A step that names a site (`proxy: NAME`) is created with
 * create_on_site and acts on that site only.
 *
 * JOURNAL (ABI 1.1): a fault that could outlive the process that injected it (a paused
 * process, a command's effect) describes how to undo it in a journal record, which the host
 * writes to disk before inject; `stressplan recover` hands the record back to the plugin's
 * recover after a run was killed without reverting.
 *
 * THREADING: create, inject, revert, is_active and journal_record are called from the run's
 * chaos thread, never from a load thread; destroy, open_site and close_site from the main
 * thread (destroy after the chaos thread has finished). Never two calls on one instance at
 * once. Each call must return within a bounded time (a few seconds at most); a plugin that
 * needs long work (the proxy's I/O) runs it on threads of its own.
 */
#ifndef STRESSPLAN_FAULT_H
#define STRESSPLAN_FAULT_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sp_fault_vtable {
    uint32_t struct_size;

    /* OWNERSHIP: options borrowed; *instance is the plugin's until destroy. */
    sp_status (*create)(const sp_host_api *host, void *host_ctx, const sp_options *options,
                        void **instance, sp_error *err);

    sp_status (*inject)(void *instance, sp_error *err);

    /* Must be safe to call when inject failed half-way or was never called. */
    sp_status (*revert)(void *instance, sp_error *err);

    /* 1 while any effect of the fault is still in place, 0 when none is. */
    int (*is_active)(void *instance);

    void (*destroy)(void *instance);

    /* ---- ABI 1.1: sites. A plugin without sites leaves these NULL / 0. ---- */

    /* The options of one site (a `proxies:` entry, besides `name` and `plugin`). Static. */
    const sp_option_decl *site_options;
    size_t site_option_count;

    /*
     * Opens a site (for the proxy: binds its listener and starts serving). A failure stops
     * the run before any load, with err pointing at the option at fault.
     * OWNERSHIP: options borrowed; *site is the plugin's until close_site, which the host
     * calls after destroying every instance created on it.
     */
    sp_status (*open_site)(const sp_host_api *host, void *host_ctx, const sp_options *options,
                           void **site, sp_error *err);
    void (*close_site)(void *site);

    /*
     * Like create, for a step that names a site. NULL: steps of this plugin cannot name one.
     * OWNERSHIP: site borrowed; it outlives the instance.
     */
    sp_status (*create_on_site)(const sp_host_api *host, void *host_ctx, void *site,
                                const sp_options *options, void **instance, sp_error *err);

    /* ---- ABI 1.1: journal. ---- */

    /*
     * Writes into buf (cap bytes, NUL-terminated) a JSON object describing how to undo this
     * instance's inject from another process, and returns its length; returns 0 when nothing
     * of the fault can outlive the process (proxy faults die with it). As with snprintf, a
     * return value >= cap means the record did not fit: the host calls again with a buffer of
     * at least that length + 1. Called after create, right before inject. NULL: same as
     * returning 0.
     */
    size_t (*journal_record)(void *instance, char *buf, size_t cap);

    /*
     * Undoes what a journal record describes, without any instance: called by
     * `stressplan recover` in a new process after the run that injected it was killed.
     * Idempotent: the fault may already be gone (return SP_OK then). Bounded in time.
     */
    sp_status (*recover)(const sp_host_api *host, void *host_ctx, const char *record, sp_error *err);

    /* ---- ABI 1.2: checks (check struct_size: a 1.1 plugin's vtable ends before this) ---- */

    /*
     * Each optional (NULL = the host skips that check). They check options exactly as the
     * matching call would (check_options as create, check_site_options as open_site,
     * check_options_on_site as create_on_site) and report the first refusal the same way
     * (err->option, err->path), but act on nothing: no listener bound, no process touched, no
     * command run, no instance or site built. The host calls them from `stressplan validate`
     * and before a run starts any service, proxy or fault, so a typo in a step is refused
     * before the load instead of aborting the step half-way through the run. A plugin
     * implements each with the same parser the matching call uses.
     * check_options_on_site gets the options of the site the step names (the `proxies:` entry)
     * in place of the open site, since a step's options may depend on its site's (an HTTP
     * toxic needs an HTTP proxy).
     * OWNERSHIP: everything passed is borrowed for the call.
     * THREADING: main thread, before any site is opened; never two calls at once.
     */
    sp_status (*check_options)(const sp_host_api *host, void *host_ctx, const sp_options *options,
                               sp_error *err);
    sp_status (*check_site_options)(const sp_host_api *host, void *host_ctx,
                                    const sp_options *site_options, sp_error *err);
    sp_status (*check_options_on_site)(const sp_host_api *host, void *host_ctx,
                                       const sp_options *site_options, const sp_options *options,
                                       sp_error *err);
} sp_fault_vtable;

#ifdef __cplusplus
}
#endif

#endif /* STRESSPLAN_FAULT_H */
