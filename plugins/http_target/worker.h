// One target worker: the event loop of one load thread.
//
// Everything runs on the host's calls, on the worker's thread: submit starts a request (on an
// idle keep-alive connection if there is one, else on a new non-blocking connection) and
// writes it at once when it can; poll waits on epoll until a completion is ready or the
// deadline passes, checking the connect and response timeouts against the host clock; results
// reach the host through a queue drained only inside poll and cancel_all.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "plugins/http_target/completion_queue.h"
#include "plugins/http_target/connection.h"
#include "plugins/http_target/cookie_session.h"
#include "plugins/http_target/instance.h"
#include "plugins/http_target/vu_sessions.h"

namespace sp::http {

class H2Pool;

class Worker {
 public:
  Worker(const Instance& instance, const sp_worker_host& host);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Creates the epoll instance; resolves the host again if the instance could not.
  bool Open(std::string* err);

  // false only for an invalid request (unknown index); transport failures become results.
  bool Submit(const sp_request& request, std::string* err);

  // Delivers at least one completion or returns at deadline_ns (host clock) with 0; always
  // does one non-blocking I/O pass. -1 if epoll itself failed.
  int Poll(uint64_t deadline_ns);

  // Completes every request in flight with SP_E_INTERRUPTED and delivers everything queued.
  void CancelAll();

  // Virtual user `vu` left the load (target.h, release_vu): closes the idle connection it
  // owns, so the pool holds no more connections than the users still there.
  void ReleaseVu(uint32_t vu);

 private:
  Connection* Allocate();
  void Release(Connection* c);
  // Connections follow users: a connection belongs to the user whose request it carried last.
  Connection* OwnIdle(uint32_t vu) const;  // that user's, if it is idle
  void SetOwner(Connection* c);
  // The idle connection a request goes out on: the most recently used.
  Connection* TakeIdle();
  bool Watch(Connection* c, uint32_t events);
  void Start(const Exchange& ex);
  // Start, with the VU's cookies added to the request when its jar has any for it.
  void StartWithCookies(Exchange* ex);
  // Starts requests waiting for a connection (max_connections) while one can be had.
  void PumpWaiting();
  size_t OpenConnections() const { return slots_.size() - free_slots_.size(); }
  void ConnectNew(const Exchange& ex, uint32_t address, uint64_t now);
  void OnConnectReady(Connection* c);
  void OnConnectFailed(Connection* c, int err_no);
  // https: one TLS handshake step on a connected socket (worker_tls.cc). true once done (or for
  // http://); false while waiting for the socket, or after failing the request (SP_E_TLS, or
  // SP_E_LOCAL_LIMIT when this machine ran out of memory or buffers).
  bool ConnectTls(Connection* c);
  void BeginRequest(Connection* c, uint64_t now);
  void WriteRequest(Connection* c);
  // Sends data[*offset..len) until it is all sent (true) or the socket is full (false, with
  // EPOLLOUT watched) or failed (false, the connection released).
  bool SendAll(Connection* c, const char* data, size_t len, size_t* offset);
  // Streams a multipart body after the head; false as SendAll, or when a file failed.
  bool WriteBody(Connection* c);
  // Bytes of the request (head or streamed body) are still to be written.
  static bool WritePending(const Connection* c);
  void ReadResponse(Connection* c);
  void OnIdleEvent(Connection* c);
  void OnPeerGone(Connection* c, int err_no, const char* op);
  void CompleteResponse(Connection* c, bool trailing_bytes);
  // After a complete response: the connection goes idle (keep-alive) or is closed.
  void Recycle(Connection* c, bool trailing_bytes);
  // worker_redirect.cc: a redirect to follow, or one too many, completes here (true); a
  // response that is final goes on to checks (false), redirect_note_ saying why a redirect
  // was not followed.
  bool FollowsRedirect(Connection* c, int status, bool trailing_bytes);
  // Starts the next hops of the redirects HTTP/2 responses asked for (h2_pool.h TakeHop).
  void StartH2Hops();
  void Fail(Connection* c, sp_error_kind kind, const char* detail_format, ...)
      __attribute__((format(printf, 4, 5)));
  void ExpireTimers(uint64_t now);
  uint64_t NextTimer() const;
  bool WaitAndDispatch(uint64_t timeout_ns);
  void Dispatch(const epoll_event& ev);

  const Instance& instance_;
  const HostApi& host_fns_;
  const sp_worker_host host_;
  int epfd_ = -1;
  bool have_pwait2_ = true;

  std::vector<std::unique_ptr<Connection>> slots_;
  std::vector<uint32_t> free_slots_;
  ConnectionList connecting_;  // ordered by connect deadline
  ConnectionList active_;      // ordered by response deadline
  ConnectionList idle_;        // most recently used at the back
  std::vector<uint32_t> vu_slot_;  // by vu: the slot of its own connection, or kNoSlot
  CompletionQueue done_;
  std::deque<Exchange> waiting_;  // max_connections reached: requests in submit order

  const std::vector<Address>* addresses_;
  std::vector<Address> own_addresses_;
  std::string dns_error_;
  uint32_t preferred_address_ = 0;
  TlsSessionCache tls_sessions_;  // https: the session new connections resume

  std::vector<char> read_buffer_;
  std::array<epoll_event, 256> events_{};

  // Templates, captures, checks and rules (vu_sessions.h): per-VU variables, the random
  // generator, and the buffer templated requests render into before moving to a connection.
  VuSessions sessions_;
  std::string render_buffer_;
  std::string render_error_;
  std::string write_error_;    // why a streamed body could not be read
  CookieSessions cookies_;     // the VUs' cookie jars
  std::string cookie_buffer_;  // a request with its Cookie header, before it moves to the exchange
  std::string redirect_note_;  // why the last response's redirect was not followed, or ""

  // protocol: http2 — its connections and streams, driven from this loop (h2_pool.h); nullptr
  // for HTTP/1.1, which then pays one test per request and per event.
  std::unique_ptr<H2Pool> h2_;
};

}  // namespace sp::http
