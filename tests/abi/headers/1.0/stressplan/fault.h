/*
 * stressplan fault ABI: a plugin that injects a fault into the system under test and takes it
 * back out.
 *
 * A fault instance is created per chaos step from the step's options. The orchestrator calls
 * inject at the step's start and revert at its end, on error, and on interruption; then it
 * asks is_active to verify that nothing of the fault remains.
 *
 * THREADING: every call is made from the orchestrator thread, never from a load thread. Each
 * call must return within a bounded time (a few seconds at most); a plugin that needs long
 * work runs it on threads of its own.
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
} sp_fault_vtable;

#ifdef __cplusplus
}
#endif

#endif /* STRESSPLAN_FAULT_H */
