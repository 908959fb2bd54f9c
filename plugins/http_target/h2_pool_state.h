// The HTTP/2 pool's inner state (h2_pool.h), shared by h2_pool.cc (placing requests, what the
// sessions report, timers) and h2_pool_io.cc (sockets): its connections, its streams and the
// intrusive lists that order them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "plugins/http_target/h2_pool.h"

namespace sp::http {

constexpr uint32_t kH2None = UINT32_MAX;
// Users with a higher id share the pool without owning a connection (as worker.cc).
constexpr uint32_t kH2MaxOwnerVu = 1u << 22;
// Our flow-control window per stream (SETTINGS_INITIAL_WINDOW_SIZE); the connection's is 16
// times as large. nghttp2 sends WINDOW_UPDATE as the body is read, so larger bodies stream.
constexpr uint32_t kH2StreamWindow = 1u << 20;

// An intrusive FIFO through the `kPrev`/`kNext` members of T, with membership in `kIn`.
template <class T, T* T::*kPrev, T* T::*kNext, bool T::*kIn>
class IntrusiveList {
 public:
  bool empty() const { return head_ == nullptr; }
  T* front() const { return head_; }
  void push_back(T* x) {
    x->*kPrev = tail_;
    x->*kNext = nullptr;
    (tail_ ? tail_->*kNext : head_) = x;
    tail_ = x;
    x->*kIn = true;
  }
  void Remove(T* x) {
    if (!(x->*kIn)) return;
    (x->*kPrev ? x->*kPrev->*kNext : head_) = x->*kNext;
    (x->*kNext ? x->*kNext->*kPrev : tail_) = x->*kPrev;
    x->*kPrev = x->*kNext = nullptr;
    x->*kIn = false;
  }

 private:
  T* head_ = nullptr;
  T* tail_ = nullptr;
};

struct H2Pool::Conn {
  enum class State { kFree, kConnecting, kOpen };
  State state = State::kFree;
  int fd = -1;
  uint32_t slot = 0;
  uint32_t generation = 0;
  uint32_t events = 0;
  uint32_t address = 0;
  uint32_t addresses_tried = 0;
  uint32_t owner = kH2None;
  uint32_t opener = 0;  // the user whose request opened it: its local address (local_addresses)
  uint64_t connect_start_ns = 0;
  uint64_t deadline_ns = 0;  // connecting: the connect deadline
  uint64_t connect_ns = 0;   // how long connecting took, for the requests that waited for it
  uint32_t streams = 0;      // requests on it: waiting for the connection, or open streams
  TlsSession tls;
  std::unique_ptr<H2Session> session;
  std::string out;  // frames produced, not yet taken by the socket
  size_t out_offset = 0;
  Stream* pending = nullptr;  // connecting: requests waiting for it (a stack, started in order)
  sp_error_kind fail_kind = SP_E_NONE;  // why the connection is going (for its streams)
  char fail_detail[160] = {};
  // Lists: connecting (by deadline) and with room.
  Conn* cprev = nullptr;
  Conn* cnext = nullptr;
  bool in_connecting = false;
  Conn* rprev = nullptr;
  Conn* rnext = nullptr;
  bool in_room = false;
  bool in_unflushed = false;  // in the pool's unflushed_
};

struct H2Pool::Stream : H2Stream {
  Conn* conn = nullptr;
  Exchange ex;
  int status = 0;
  bool done = false;  // its result is queued already (a timeout): only the end is awaited
  bool body_started = false;
  http1::MessageSink* sink = nullptr;
  ResponseTap tap;
  BodyStream upload;  // a multipart body, streamed (h2_session.h H2Stream::streamed)
  Stream* pending_next = nullptr;
  uint64_t deadline_ns = 0;  // the response deadline
  Stream* tprev = nullptr;
  Stream* tnext = nullptr;
  bool in_timers = false;
};

struct H2Pool::Lists {
  IntrusiveList<Conn, &Conn::cprev, &Conn::cnext, &Conn::in_connecting> connecting;
  IntrusiveList<Conn, &Conn::rprev, &Conn::rnext, &Conn::in_room> room;
  IntrusiveList<Stream, &Stream::tprev, &Stream::tnext, &Stream::in_timers> timers;
};

}  // namespace sp::http
