// The worker's HTTP/2 side (protocol: http2): its connections, each an H2Session (h2_session.h)
// over a socket of the worker's epoll set, and the requests multiplexed on them as streams.
//
// Everything runs inside the worker's event loop, on its thread (worker.h): the worker hands
// over each request (Start), each epoll event whose key carries kEpollTag (Dispatch) and the
// clock (ExpireTimers, NextTimer). Results go into the worker's completion queue, after the same
// cookies, redirects, checks, captures and rules as HTTP/1.1 (redirect_hop.h,
// response_result.h). A followed redirect's next hop is handed back to the worker (TakeHop),
// which adds the VU's cookies and starts it like a new request: never from inside nghttp2's
// callbacks.
//
// Placement: a request goes on its user's own connection (the one the user opened, or the idle
// one it took over) while that has room, else on any connection with room, and opens a new
// connection only when none has: room is max_streams streams, or fewer when the server's
// SETTINGS_MAX_CONCURRENT_STREAMS says so, and none after a GOAWAY. With max_streams 1 that is
// one connection per request in flight, as HTTP/1.1; with more, requests share connections.
// At max_connections, requests wait in order for room.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "plugins/http_target/address.h"
#include "plugins/http_target/completion_queue.h"
#include "plugins/http_target/connection.h"
#include "plugins/http_target/cookie_session.h"
#include "plugins/http_target/h2_request.h"
#include "plugins/http_target/h2_session.h"
#include "plugins/http_target/instance.h"
#include "plugins/http_target/vu_sessions.h"

namespace sp::http {

class H2Pool final : private H2Listener {
 public:
  // The bit of an epoll key's slot half that marks an HTTP/2 connection.
  static constexpr uint32_t kEpollTag = 0x80000000u;

  struct Shared {  // the worker's, borrowed for the pool's life
    const Instance& instance;
    int epfd;
    const std::vector<Address>& addresses;  // not empty (the worker fails requests without)
    CompletionQueue& done;
    VuSessions& sessions;
    CookieSessions& cookies;
  };
  explicit H2Pool(const Shared& shared);
  ~H2Pool() override;
  H2Pool(const H2Pool&) = delete;
  H2Pool& operator=(const H2Pool&) = delete;

  void Start(const Exchange& ex);
  void Dispatch(uint64_t key, uint32_t events);
  // The next hop of a redirect a response asked for, to start (false: none left).
  bool TakeHop(Exchange* out);
  // Also writes the streams submitted since the last call (the worker calls it before waiting).
  void ExpireTimers(uint64_t now);
  uint64_t NextTimer() const;
  void CancelAll();
  // The user left: its own connection closes if no stream is open on it.
  void ReleaseVu(uint32_t vu);

 private:
  struct Conn;
  struct Stream;
  struct Lists;

  // H2Listener
  void OnField(H2Stream* s, std::string_view name, std::string_view value) override;
  void OnData(H2Stream* s, const char* data, size_t len) override;
  void OnFrameIn(H2Stream* s, size_t payload) override;
  void OnFrameOut(H2Stream* s, size_t payload) override;
  void OnStreamEnd(H2Stream* s, H2End end, uint32_t error_code) override;

  Conn* Pick(uint32_t vu);
  void Attach(Conn* c, const Exchange& ex);
  void Submit(Conn* c, Stream* s);
  void FlushSubmitted();
  void FinishStream(Stream* s);
  void CompleteResponse(Stream* s);
  void Pump();

  Conn* Open(const Exchange& ex);
  bool ConnectSocket(Conn* c, int* err_no);
  void OnConnectReady(Conn* c);
  bool Handshake(Conn* c);
  void OnConnectFailed(Conn* c, int err_no);
  void Established(Conn* c);
  bool Flush(Conn* c);
  void Read(Conn* c);
  void Lost(Conn* c, int err_no, const char* op);
  void FailConnection(Conn* c, sp_error_kind kind, const char* format, ...)
      __attribute__((format(printf, 4, 5)));
  void Close(Conn* c);
  void CloseIfDone(Conn* c);
  bool Watch(Conn* c, uint32_t events);
  uint32_t Limit(const Conn* c) const;
  void UpdateRoom(Conn* c);
  Stream* NewStream();

  Shared shared_;
  const HostApi& host_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<uint32_t> free_conns_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::vector<Stream*> free_streams_;
  std::vector<uint32_t> vu_conn_;  // by vu: the slot of its own connection, or kNone
  std::deque<Exchange> waiting_;   // max_connections reached and no room
  std::deque<Exchange> hops_;      // redirects' next hops, for the worker to start
  std::string redirect_note_;      // why the last response's redirect was not followed, or ""
  // Connections with streams submitted but not yet written (slot, generation).
  std::vector<std::pair<uint32_t, uint32_t>> unflushed_;
  uint32_t preferred_address_ = 0;
  TlsSessionCache tls_sessions_;
  H2Request scratch_;
  std::string why_;
  std::vector<char> read_buffer_;
  // Connections connecting (by connect deadline), connections with room, streams by response
  // deadline: intrusive lists (h2_pool.cc).
  std::unique_ptr<Lists> lists_;
};

}  // namespace sp::http
