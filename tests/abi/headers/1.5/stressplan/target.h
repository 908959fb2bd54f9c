/*
 * stressplan target ABI: a plugin that drives requests against the system under test.
 *
 * The interface is asynchronous so that one thread drives thousands of requests in flight:
 * the host opens one target *worker* per load thread, *submits* requests tagged with a token,
 * and *polls* the worker, which waits on its own I/O (epoll, kqueue, ...) until a deadline and
 * hands back completions through a host callback. Nothing is allocated per request by the ABI.
 *
 * The host owns time and the workload (scenarios, weights, virtual users, think time); the
 * target owns I/O and protocol. A plan's request steps are compiled by the target once, in
 * `create`, from options it declared in `request_options`.
 *
 * OBJECT LIFETIMES
 *   instance = create(...)              main thread, once per run
 *   preflight(instance)                 main thread, optional, before load starts
 *   worker = worker_open(instance)      on the load thread that will use the worker
 *     submit / poll / cancel_all        that same thread only
 *     release_vu (ABI 1.2, optional)    that same thread, between the calls above
 *   worker_close(worker)                that same thread
 *   destroy(instance)                   main thread, after every worker is closed
 * Several workers of one instance run at once on different threads: after `create` returns,
 * the instance must be safe to read concurrently.
 */
#ifndef STRESSPLAN_TARGET_H
#define STRESSPLAN_TARGET_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Why a request failed. The host names them in reports exactly as in the comments.
 * A target reports the first cause that applies.
 */
typedef enum sp_error_kind {
    SP_E_NONE = 0,             /* success */
    SP_E_CONNECT_REFUSED = 1,  /* "connect_refused": the peer refused the connection */
    SP_E_CONNECT_TIMEOUT = 2,  /* "connect_timeout": no connection within the connect timeout */
    SP_E_DNS = 3,              /* "dns": the host name did not resolve */
    SP_E_TLS = 4,              /* "tls": handshake or certificate failure */
    SP_E_RESET = 5,            /* "reset": the peer reset or closed the connection mid-request */
    SP_E_RESPONSE_TIMEOUT = 6, /* "response_timeout": no complete response within the timeout */
    SP_E_PROTOCOL = 7,         /* "protocol": a malformed response */
    SP_E_HTTP_4XX = 8,         /* "http_4xx": the response status was 400-499 */
    SP_E_HTTP_5XX = 9,         /* "http_5xx": the response status was 500-599 */
    SP_E_CHECK_FAILED = 10,    /* "check_failed": a check on the response failed */
    SP_E_INTERRUPTED = 11,     /* "interrupted": cancelled by the host (end of run, Ctrl-C) */
    SP_E_OTHER = 12,           /* "other": anything else; `detail` says what */
    /*
     * ABI 1.2. "local_limit": the generator's own machine ran out of something a request needs
     * — file descriptors (EMFILE, ENFILE), local ports (EADDRNOTAVAIL), socket buffers or
     * memory (ENOBUFS, ENOMEM). Not the target's failure: the host marks a run with any of
     * these untrustworthy. A host older than 1.2 counts it as "other".
     */
    SP_E_LOCAL_LIMIT = 13,
    /*
     * ABI 1.4. A host older than 1.4 counts each of these as "other".
     * "too_many_redirects": following the response's redirects would pass the request's limit
     *   (a redirect loop ends here too).
     * "tls_client_cert": the server refused the client certificate the target sent, or
     *   required one and the target had none (mutual TLS).
     * "stream_reset": the peer cancelled this request's stream (HTTP/2 RST_STREAM, or a
     *   GOAWAY that left it unprocessed) while the connection itself stayed usable; "reset" is
     *   for a connection that was lost.
     */
    SP_E_TOO_MANY_REDIRECTS = 14,
    SP_E_TLS_CLIENT_CERT = 15,
    SP_E_STREAM_RESET = 16
} sp_error_kind;

/*
 * One request to start. OWNERSHIP: borrowed for the submit call only.
 *   token:       the host's id for this request, echoed in its result.
 *   request:     index into the request table handed to `create`.
 *   vu:          the virtual user issuing it, unique across all workers of the run.
 *   iteration:   that user's iteration number, from 0.
 *   intended_ns: when the schedule wanted the request to start (host clock, now_ns).
 */
typedef struct sp_request {
    uint32_t struct_size;
    uint64_t token;
    uint32_t request;
    uint32_t vu;
    uint64_t iteration;
    uint64_t intended_ns;
} sp_request;

/*
 * The outcome of one request. OWNERSHIP: borrowed for the `complete` call only.
 * All times are on the host clock (now_ns).
 *   status:         protocol status (HTTP status code), 0 if no response was received.
 *   start_ns:       when the target started working on the request.
 *   end_ns:         when the outcome was known.
 *   connect_ns:     time spent opening a connection for it, 0 when one was reused.
 *   ttfb_ns:        from start_ns to the first response byte, 0 if none.
 *   events:         interned ids (sp_host_api.intern) of events the response fired.
 *   failed_check:   interned id of the first failed check when error == SP_E_CHECK_FAILED.
 *   detail:         optional NUL-terminated explanation of an error, or NULL.
 * ABI 1.4 (a result with a smaller struct_size reads as 0 for both):
 *   redirect:       how many redirects the target followed before this exchange: 0 for the
 *                   request as the plan wrote it, k for the k-th redirect's request.
 *   flags:          SP_RESULT_* bits below.
 */
typedef struct sp_result {
    uint32_t struct_size;
    uint64_t token;
    sp_error_kind error;
    int32_t status;
    uint64_t start_ns;
    uint64_t end_ns;
    uint64_t connect_ns;
    uint64_t ttfb_ns;
    uint64_t bytes_sent;
    uint64_t bytes_received;
    const uint32_t *events;
    size_t event_count;
    uint32_t failed_check;
    const char *detail;

    /* ---- ABI 1.4 ---- */
    uint32_t redirect;
    uint32_t flags;
} sp_result;

/*
 * sp_result.flags (ABI 1.4).
 * SP_RESULT_MORE: this result reports one exchange of a request that goes on — the target
 *   received a redirect and is following it — so the host records it as a request of its own
 *   and keeps the token in flight; the token is completed again, finally, by a result without
 *   this flag. A target sets it only when the host's abi_minor (sp_host_api) is 4 or more: an
 *   older host would take the first result as the request's only one. Events and checks of
 *   such a result are ignored; its error is SP_E_NONE.
 */
#define SP_RESULT_MORE 0x1u

/*
 * What the host hands a worker to report completions.
 * THREADING: `complete` is called by the target on the worker's thread, and only from inside
 * `poll` or `cancel_all` — never from `submit`, so a request that fails at once is reported
 * at the next poll. Each submitted token is completed exactly once by a result without
 * SP_RESULT_MORE (ABI 1.4), after any number of results with it.
 * OWNERSHIP: owned by the host, valid until worker_close returns.
 */
typedef struct sp_worker_host {
    uint32_t struct_size;
    void *ctx;
    void (*complete)(void *ctx, const sp_result *result);
} sp_worker_host;

/* sp_request_spec, the compiled request step handed to create, is in plugin.h (ABI 1.3: the
 * descriptor gives its size). */

typedef struct sp_target_vtable {
    uint32_t struct_size;

    /* Options each request step of a scenario may set (method, path, ...), validated by the host. */
    const sp_option_decl *request_options;
    size_t request_option_count;

    /*
     * Builds an instance from the target's options and the plan's request steps.
     * Errors about a request name it in err->option as "requests/<index>" plus the option name
     * in err->path ("/method"), so the host can point at the plan line.
     * OWNERSHIP: everything passed is borrowed; copy what you keep. *instance is the plugin's
     * until `destroy`.
     */
    sp_status (*create)(const sp_host_api *host, void *host_ctx, const sp_options *options,
                        const sp_request_spec *requests, size_t request_count, void **instance,
                        sp_error *err);

    /* Optional (NULL = skip). Checks the target can be reached before load starts. */
    sp_status (*preflight)(void *instance, sp_error *err);

    /* Opens a worker: per-thread connections and event loop. */
    sp_status (*worker_open)(void *instance, const sp_worker_host *host, void **worker,
                             sp_error *err);

    /*
     * Starts a request. Returns SP_OK unless the request itself is invalid (an unknown
     * index); transport failures are reported as results, never here.
     */
    sp_status (*submit)(void *worker, const sp_request *request, sp_error *err);

    /*
     * Runs I/O until at least one completion has been delivered or the host clock reaches
     * deadline_ns, whichever is first (it may deliver many). Returns the number delivered, or
     * -1 if the worker is broken beyond use.
     */
    int (*poll)(void *worker, uint64_t deadline_ns);

    /* Aborts every request in flight, completing each with SP_E_INTERRUPTED. */
    void (*cancel_all)(void *worker);

    /* Closes a worker with nothing in flight (call cancel_all first). */
    void (*worker_close)(void *worker);

    void (*destroy)(void *instance);

    /* ---- ABI 1.2 (check struct_size: a 1.1 plugin's vtable ends before this) ---- */

    /*
     * Optional (NULL = the host skips it). Checks the target's options and request steps as
     * `create` would and reports the first refusal the same way (err->option / err->path as in
     * create), but builds nothing: no instance, no socket, no name resolved, no file written.
     * The host calls it from `stressplan validate` and before a run starts any service. A
     * plugin implements it with the same parser its create uses, so the two never disagree.
     * OWNERSHIP: everything passed is borrowed for the call.
     * THREADING: main thread, never at the same time as another call on this plugin.
     */
    sp_status (*check_options)(const sp_host_api *host, void *host_ctx, const sp_options *options,
                               const sp_request_spec *requests, size_t request_count,
                               sp_error *err);

    /*
     * Optional (NULL = skip). Virtual user `vu` has left the load: a closed-model stage lowered
     * its users below it, or the user has nothing left to do (its stage's `iterations` are
     * done). The target closes the connection(s) that user held, so the server sees the users
     * the plan describes; a user that joins again later starts afresh. The host calls it only
     * when `vu` has no request in flight, and never for open-model iterations (they are not
     * users: their connections stay pooled for the next arrivals). At the end of the run the
     * host calls worker_close instead.
     * THREADING: on the worker's thread, between submit/poll calls — never from inside
     * `complete`.
     */
    void (*release_vu)(void *worker, uint32_t vu);
} sp_target_vtable;

#ifdef __cplusplus
}
#endif

#endif /* STRESSPLAN_TARGET_H */
