/*
 * A target built against one frozen ABI header set, with no I/O: every request succeeds with
 * the `status` option after `latency` (host clock), with the request step's `size` option as
 * its bytes_received. poll sleeps until the next request is due or the deadline, so a run of it has
 * a bounded, plausible rate.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include <stressplan/target.h>

#include "versioned.h"

/* The struct_size results declare: the real one, or a broken one for a test of the host. */
#ifndef FIXTURE_RESULT_SIZE
#define FIXTURE_RESULT_SIZE sizeof(sp_result)
#endif

static const sp_option_decl options[] = {
    {"status", SP_OPT_INT, "200", 0, "the status of every response"},
    {"latency", SP_OPT_DURATION, "1ms", 0, "how long each request takes"},
    {"label", SP_OPT_STRING, NULL, 0, "a third option, so a misread stride shows"},
};
static const sp_option_decl request_options[] = {
    {"size", SP_OPT_SIZE, "1KiB", 0, "bytes each response of this step counts"},
    {"tag", SP_OPT_STRING, "untagged", 0, "a second request option"},
};

typedef struct target {
    const sp_host_api *host;
    void *host_ctx;
    int32_t status;
    uint64_t latency_ns;
    size_t request_count;
    uint64_t *bytes; /* per request step */
} target;

typedef struct pending {
    uint64_t token;
    uint64_t start_ns;
    uint32_t request;
} pending;

typedef struct worker {
    target *t;
    sp_worker_host host;
    pending *queue; /* in submit order, so in due order */
    size_t head, tail, cap;
} worker;

static sp_status target_create(const sp_host_api *host, void *host_ctx, const sp_options *opts,
                               const sp_request_spec *requests, size_t request_count,
                               void **instance, sp_error *err) {
    target *t;
    size_t i;
    if (!versioned_options_match(options, 3, opts, err)) return SP_INVALID_ARGUMENT;
    for (i = 0; i < request_count; ++i) {
        if (!versioned_options_match(request_options, 2, &requests[i].options, err)) {
            snprintf(err->option, sizeof err->option, "requests/%lu", (unsigned long)i);
            return SP_INVALID_ARGUMENT;
        }
    }
#if SP_ABI_VERSION_MINOR >= 5
    /* A 1.5 host says which segment the run is: 0 of 1 for the whole plan, I < N otherwise. */
    if (host->struct_size >= offsetof(sp_host_api, segment) + sizeof host->segment &&
        host->segment) {
        uint32_t index = UINT32_MAX, count = 0;
        host->segment(host_ctx, &index, &count);
        if (count == 0 || index >= count) {
            snprintf(err->message, sizeof err->message, "the host's segment is %u of %u", index,
                     count);
            return SP_ERROR;
        }
    }
#endif
    t = (target *)calloc(1, sizeof *t);
    if (t == NULL) return SP_ERROR;
    t->bytes = (uint64_t *)calloc(request_count + 1, sizeof *t->bytes);
    if (t->bytes == NULL) {
        free(t);
        return SP_ERROR;
    }
    t->host = host;
    t->host_ctx = host_ctx;
    t->status = (int32_t)opts->values[0].i;
    t->latency_ns = (uint64_t)opts->values[1].i;
    t->request_count = request_count;
    for (i = 0; i < request_count; ++i) t->bytes[i] = (uint64_t)requests[i].options.values[0].i;
    *instance = t;
    return SP_OK;
}

static sp_status target_worker_open(void *instance, const sp_worker_host *host, void **out, sp_error *err) {
    worker *w = (worker *)calloc(1, sizeof *w);
    (void)err;
    if (w == NULL) return SP_ERROR;
    w->t = (target *)instance;
    w->host = *host;
    *out = w;
    return SP_OK;
}

static sp_status target_submit(void *instance, const sp_request *request, sp_error *err) {
    worker *w = (worker *)instance;
    if (request->request >= w->t->request_count) {
        snprintf(err->message, sizeof err->message, "no request step %u", request->request);
        return SP_INVALID_ARGUMENT;
    }
    if (w->tail == w->cap) {
        size_t live = w->tail - w->head;
        if (w->head > 0) {
            memmove(w->queue, w->queue + w->head, live * sizeof *w->queue);
        } else {
            size_t cap = w->cap ? 2 * w->cap : 64;
            pending *q = (pending *)realloc(w->queue, cap * sizeof *q);
            if (q == NULL) return SP_ERROR;
            w->queue = q;
            w->cap = cap;
        }
        w->head = 0;
        w->tail = live;
    }
    w->queue[w->tail].token = request->token;
    w->queue[w->tail].start_ns = w->t->host->now_ns(w->t->host_ctx);
    w->queue[w->tail].request = request->request;
    w->tail++;
    return SP_OK;
}

static void complete(worker *w, const pending *p, sp_error_kind error, uint64_t now) {
    sp_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = FIXTURE_RESULT_SIZE;
    r.token = p->token;
    r.error = error;
    r.status = error == SP_E_NONE ? w->t->status : 0;
    r.start_ns = p->start_ns;
    r.end_ns = now;
    r.bytes_sent = 100;
    r.bytes_received = error == SP_E_NONE ? w->t->bytes[p->request] : 0;
    w->host.complete(w->host.ctx, &r);
}

static int target_poll(void *instance, uint64_t deadline_ns) {
    worker *w = (worker *)instance;
    int delivered = 0;
    for (;;) {
        uint64_t now = w->t->host->now_ns(w->t->host_ctx);
        uint64_t wake = deadline_ns;
        struct timespec ts;
        while (w->head < w->tail && w->queue[w->head].start_ns + w->t->latency_ns <= now) {
            complete(w, &w->queue[w->head++], SP_E_NONE, now);
            delivered++;
        }
        if (delivered > 0 || now >= deadline_ns) return delivered;
        if (w->head < w->tail && w->queue[w->head].start_ns + w->t->latency_ns < wake) {
            wake = w->queue[w->head].start_ns + w->t->latency_ns;
        }
        ts.tv_sec = (time_t)((wake - now) / 1000000000u);
        ts.tv_nsec = (long)((wake - now) % 1000000000u);
        nanosleep(&ts, NULL);
    }
}

static void target_cancel_all(void *instance) {
    worker *w = (worker *)instance;
    uint64_t now = w->t->host->now_ns(w->t->host_ctx);
    while (w->head < w->tail) complete(w, &w->queue[w->head++], SP_E_INTERRUPTED, now);
}

static void target_worker_close(void *instance) {
    worker *w = (worker *)instance;
    free(w->queue);
    free(w);
}

static void target_destroy(void *instance) {
    target *t = (target *)instance;
    free(t->bytes);
    free(t);
}

static const sp_target_vtable vtable = {
    sizeof(sp_target_vtable), request_options, 2, target_create, NULL /* preflight */,
    target_worker_open, target_submit, target_poll, target_cancel_all, target_worker_close,
    target_destroy,
#if SP_ABI_VERSION_MINOR >= 2
    NULL /* check_options */, NULL /* release_vu */
#endif
};

static const sp_plugin_descriptor descriptor = {
    SP_DESCRIPTOR_HEADER, SP_KIND_TARGET, FIXTURE_NAME, "1.0.0",
    "answers every request after a fixed latency, without I/O (ABI fixture)", options, 3, &vtable,
    VERSIONED_DESCRIPTOR_TAIL};

SP_EXPORT const sp_plugin_descriptor *stressplan_plugin_entry(void) { return &descriptor; }
