// One TCP connection of a worker and the request it carries. With HTTP/1.1 without
// pipelining a connection carries at most one request at a time, so the in-flight state of
// a request (its Exchange) lives inside its connection and moves with it on a retry.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "plugins/http_target/body_capture.h"
#include "plugins/http_target/body_stream.h"
#include "plugins/http_target/request_builder.h"
#include "lib/http1/parser.h"
#include "plugins/http_target/tls_session.h"

namespace sp::http {

// A request from submit to completion.
struct Exchange {
  uint64_t token = 0;
  const CompiledRequest* request = nullptr;
  uint64_t start_ns = 0;         // when submit took it
  uint64_t connect_ns = 0;       // time spent opening the connection that answered
  uint64_t ttfb_ns = 0;          // start_ns to the first response byte, 0 before it
  uint64_t bytes_sent = 0;       // over every attempt
  uint64_t bytes_received = 0;
  uint32_t addresses_tried = 0;  // connect attempts, one per resolved address at most
  bool retried = false;          // already resent once after a stale keep-alive connection
  uint32_t redirect = 0;         // redirects followed before this exchange (redirect.h)
  bool body_dropped = false;     // a 301/302/303 hop: the request's multipart body is not sent
  uint32_t vu = 0;               // sp_request.vu and .iteration: templates and captures
  uint64_t iteration = 0;
  // A templated request's bytes, rendered at submit; empty for fixed requests. Its capacity
  // stays with the connection, so steady-state rendering does not allocate.
  std::string rendered;

  // What to write: the rendered bytes, or the request's fixed ones.
  const std::string& Bytes() const { return rendered.empty() ? request->bytes : rendered; }
};

struct Connection {
  enum class State {
    kFree,        // slot unused
    kConnecting,  // non-blocking connect in progress; in the worker's connect-timeout list
    kActive,      // writing a request / reading its response; in the response-timeout list
    kIdle,        // keep-alive, no request; in the idle list
  };

  // Every used connection is in exactly one list, chosen by its state. Deadlines are
  // "entered the list" + a constant timeout, so each list stays ordered by deadline.
  Connection* prev = nullptr;
  Connection* next = nullptr;
  uint64_t deadline_ns = 0;

  State state = State::kFree;
  int fd = -1;
  uint32_t slot = 0;        // index in the worker's slot table
  uint32_t generation = 0;  // bumped when the slot is freed, so stale epoll events are ignored
  uint32_t address = 0;     // index of the resolved address it connected to
  uint64_t connect_start_ns = 0;
  uint32_t vu = UINT32_MAX; // the virtual user whose request it carried last (its "owner")
  uint64_t served = 0;      // requests completed on it: > 0 means a reused keep-alive connection
  bool reused = false;      // the current exchange started on a previously used connection
  uint32_t events = 0;      // the epoll interest registered for fd
  size_t write_offset = 0;  // bytes of the request's head (Exchange::Bytes) written so far
  BodyStream body;          // a multipart body, streamed after the head

  Exchange ex;
  http1::Parser parser;
  std::string carry;  // an incomplete line left over from the last read
  // https: the TLS layer, active from the handshake's start (transport.h); made by the slot's
  // first https connection and kept for the next, never for http://, whose connections are
  // thus 72 bytes smaller.
  std::unique_ptr<TlsSession> tls;
  ResponseTap tap;  // the headers and body checks/captures/rules need (body_capture.h)

  bool TlsActive() const { return tls != nullptr && tls->Active(); }
};

// An idle keep-alive connection's user-space cost is budgeted (issue 14: <= 1 KiB each with the
// load thread's share, bench/idle.sh): what only some requests need is allocated when first
// needed (ResponseTap's kept parts, the TLS session).
static_assert(sizeof(Connection) <= 448, "Connection grew: check bench/idle.sh's figure");

// An intrusive FIFO of connections: O(1) append, remove and front, no allocation.
class ConnectionList {
 public:
  bool empty() const { return head_ == nullptr; }
  Connection* front() const { return head_; }
  Connection* back() const { return tail_; }

  void push_back(Connection* c) {
    c->prev = tail_;
    c->next = nullptr;
    (tail_ ? tail_->next : head_) = c;
    tail_ = c;
  }

  void Remove(Connection* c) {
    (c->prev ? c->prev->next : head_) = c->next;
    (c->next ? c->next->prev : tail_) = c->prev;
    c->prev = c->next = nullptr;
  }

 private:
  Connection* head_ = nullptr;
  Connection* tail_ = nullptr;
};

}  // namespace sp::http
