#include "plugins/http_target/worker.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstring>

#include "plugins/http_target/h2_pool.h"
#include "plugins/http_target/response_result.h"
#include "plugins/http_target/socket_ops.h"
#include "plugins/http_target/transport.h"

namespace sp::http {
namespace {

constexpr size_t kReadBufferSize = 64 * 1024;
constexpr uint64_t kMaxWaitNs = 1'000'000'000;  // re-check the clock at least once a second
constexpr uint32_t kNoSlot = UINT32_MAX;
// Users with a higher id share the pool without owning a connection: the owner table stays
// bounded (16 MiB) whatever ids a host hands over.
constexpr uint32_t kMaxOwnerVu = 1u << 22;

uint64_t EpollKey(const Connection* c) { return (uint64_t{c->generation} << 32) | c->slot; }

unsigned long long Ms(uint64_t ns) { return static_cast<unsigned long long>(ns / 1'000'000); }

}  // namespace

Worker::Worker(const Instance& instance, const sp_worker_host& host)
    : instance_(instance), host_fns_(instance.host()), host_(host),
      addresses_(&instance.addresses()), read_buffer_(kReadBufferSize),
      sessions_(instance.dynamic()), cookies_(instance.config()) {}

Worker::~Worker() {
  if (!connecting_.empty() || !active_.empty() || !done_.empty()) {
    host_fns_.Log(SP_LOG_WARN,
                  "http target: worker closed with requests in flight; they are "
                  "dropped without a result (call cancel_all first)");
  }
  for (auto& c : slots_) {
    if (c->state != Connection::State::kFree) close(c->fd);
  }
  if (epfd_ >= 0) close(epfd_);
}

bool Worker::Open(std::string* err) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) {
    *err = std::string("epoll_create1: ") + ErrnoText(errno);
    return false;
  }
  if (addresses_->empty()) {
    const BaseUrl& url = instance_.config().url;
    if (!Resolve(instance_.config().connect_host, url.port, &own_addresses_, &dns_error_)) {
      dns_error_ = "dns: cannot resolve \"" + url.host + "\": " + dns_error_;
    }
    addresses_ = &own_addresses_;
  }
  if (instance_.config().http2) {
    h2_ = std::make_unique<H2Pool>(
        H2Pool::Shared{instance_, epfd_, *addresses_, done_, sessions_, cookies_});
  }
  return true;
}

// ---- connection slots -------------------------------------------------------------------

Connection* Worker::Allocate() {
  Connection* c;
  if (free_slots_.empty()) {
    slots_.push_back(std::make_unique<Connection>());
    c = slots_.back().get();
    c->slot = static_cast<uint32_t>(slots_.size() - 1);
  } else {
    c = slots_[free_slots_.back()].get();
    free_slots_.pop_back();
  }
  c->served = 0;
  c->reused = false;
  c->events = 0;
  c->carry.clear();
  return c;
}

void Worker::Release(Connection* c) {
  switch (c->state) {
    case Connection::State::kConnecting: connecting_.Remove(c); break;
    case Connection::State::kActive: active_.Remove(c); break;
    case Connection::State::kIdle: idle_.Remove(c); break;
    case Connection::State::kFree: return;
  }
  if (c->vu < vu_slot_.size() && vu_slot_[c->vu] == c->slot) vu_slot_[c->vu] = kNoSlot;
  c->vu = UINT32_MAX;
  if (c->tls) c->tls->Reset();  // https: close_notify, then the session is freed
  c->body.Reset();
  close(c->fd);  // also removes it from the epoll set
  c->fd = -1;
  c->state = Connection::State::kFree;
  ++c->generation;
  free_slots_.push_back(c->slot);
}

// ---- connections follow users ------------------------------------------------------------

Connection* Worker::OwnIdle(uint32_t vu) const {
  if (vu >= vu_slot_.size() || vu_slot_[vu] == kNoSlot) return nullptr;
  Connection* c = slots_[vu_slot_[vu]].get();
  return c->state == Connection::State::kIdle ? c : nullptr;
}

void Worker::SetOwner(Connection* c) {
  // A user owns the connection its latest request went out on. Taking over another user's
  // idle connection leaves that user without one (it opens or takes another when it sends).
  const uint32_t vu = c->ex.vu;
  if (c->vu == vu) return;
  if (c->vu < vu_slot_.size() && vu_slot_[c->vu] == c->slot) vu_slot_[c->vu] = kNoSlot;
  c->vu = vu;
  if (vu >= kMaxOwnerVu) return;
  if (vu >= vu_slot_.size()) vu_slot_.resize(vu + 1, kNoSlot);
  // Its previous connection, if it had one still open, is nobody's now: release_vu of a user
  // without a connection closes such a one.
  vu_slot_[vu] = c->slot;
}

Connection* Worker::TakeIdle() {
  // The most recently used, whoever owned it: the pool stays as small as the requests in
  // flight need (a user's own connection is not kept waiting while it thinks).
  Connection* c = idle_.back();
  idle_.Remove(c);
  return c;
}

void Worker::ReleaseVu(uint32_t vu) {
  cookies_.Forget(vu);
  if (h2_) {
    h2_->ReleaseVu(vu);
    return;
  }
  if (Connection* c = OwnIdle(vu)) {
    Release(c);
    return;
  }
  if (vu < vu_slot_.size() && vu_slot_[vu] != kNoSlot) return;  // busy: the host broke the rule
  // The user has no connection: another user took it and left its own behind, unowned, or the
  // server closed it. Close one unowned idle connection, if any, so the pool shrinks with the
  // users.
  for (Connection* c = idle_.front(); c != nullptr; c = c->next) {
    const bool owned = c->vu < vu_slot_.size() && vu_slot_[c->vu] == c->slot;
    if (!owned) {
      Release(c);
      return;
    }
  }
}

bool Worker::Watch(Connection* c, uint32_t events) {
  if (c->events == events) return true;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = EpollKey(c);
  const int op = c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (epoll_ctl(epfd_, op, c->fd, &ev) != 0) {
    // ENOSPC: the user's epoll watch limit (max_user_watches), a limit of this machine too.
    Fail(c, errno == ENOSPC ? SP_E_LOCAL_LIMIT : SocketErrorKind(errno), "epoll_ctl: %s",
         ErrnoText(errno));
    return false;
  }
  c->events = events;
  return true;
}

// ---- starting a request -----------------------------------------------------------------

bool Worker::Submit(const sp_request& request, std::string* err) {
  const auto& requests = instance_.requests();
  if (request.request >= requests.size()) {
    *err = "request index " + std::to_string(request.request) + " is out of range (the target has " +
           std::to_string(requests.size()) + " request steps)";
    return false;
  }
  Exchange ex;
  ex.token = request.token;
  ex.request = &requests[request.request];
  ex.start_ns = host_fns_.NowNs();
  if (request.struct_size >= offsetof(sp_request, iteration) + sizeof request.iteration) {
    ex.vu = request.vu;
    ex.iteration = request.iteration;
  }
  if (ex.request->tmpl != nullptr) {
    // Rendered into the worker's buffer, then copied into the connection's own (which keeps
    // its capacity); the buffer comes back for the next request.
    ex.rendered.swap(render_buffer_);
    const bool ok =
        sessions_.Render(*ex.request, ex.vu, ex.iteration, &ex.rendered, &render_error_);
    if (ok) {
      StartWithCookies(&ex);
    } else {
      ex.rendered.clear();
      done_.Push(ex, SP_E_OTHER, 0, host_fns_.NowNs(), "%s", render_error_.c_str());
    }
    render_buffer_.swap(ex.rendered);
    return true;
  }
  StartWithCookies(&ex);
  return true;
}

void Worker::StartWithCookies(Exchange* ex) {
  if (!ex->request->send_cookies ||
      !cookies_.AddCookieHeader(ex->vu, ex->iteration, ex->Bytes(), &cookie_buffer_)) {
    Start(*ex);
    return;
  }
  // The request with its Cookie header goes out as rendered bytes; the buffers swap back, so
  // both keep their capacity for the next request.
  ex->rendered.swap(cookie_buffer_);
  Start(*ex);
  ex->rendered.swap(cookie_buffer_);
}

void Worker::Start(const Exchange& ex) {
  if (addresses_->empty()) {
    done_.Push(ex, SP_E_DNS, 0, host_fns_.NowNs(), "%s", dns_error_.c_str());
    return;
  }
  if (h2_) {
    h2_->Start(ex);
    return;
  }
  if (!idle_.empty()) {
    Connection* c = TakeIdle();
    c->ex = ex;
    c->reused = true;
    BeginRequest(c, ex.start_ns);
    return;
  }
  const uint32_t cap = instance_.config().max_connections;
  if (cap > 0 && (OpenConnections() >= cap || !waiting_.empty())) {
    waiting_.push_back(ex);  // started by PumpWaiting when a connection frees up
    return;
  }
  ConnectNew(ex, preferred_address_, ex.start_ns);
}

void Worker::PumpWaiting() {
  const uint32_t cap = instance_.config().max_connections;
  while (!waiting_.empty() && (!idle_.empty() || OpenConnections() < cap)) {
    Exchange ex = std::move(waiting_.front());
    waiting_.pop_front();
    // Its service time starts now; the host measures latency from the intended start.
    ex.start_ns = host_fns_.NowNs();
    if (!idle_.empty()) {
      Connection* c = TakeIdle();
      c->ex = std::move(ex);
      c->reused = true;
      BeginRequest(c, c->ex.start_ns);
    } else {
      ConnectNew(ex, preferred_address_, ex.start_ns);
    }
  }
}

void Worker::ConnectNew(const Exchange& ex, uint32_t address, uint64_t now) {
  const Address& a = (*addresses_)[address];
  SocketFailure failure;
  const int fd = OpenConnectSocket(a, instance_.config().local_addresses, ex.vu, &failure);
  if (fd < 0) {
    const auto count = static_cast<uint32_t>(addresses_->size());
    if (failure.try_next_address && ex.addresses_tried + 1 < count) {
      Exchange next = ex;  // no local address of this one's family: the host's next address
      next.addresses_tried++;
      ConnectNew(next, (address + 1) % count, now);
      return;
    }
    done_.Push(ex, failure.kind, 0, host_fns_.NowNs(), "%s", failure.detail);
    return;
  }
  Connection* c = Allocate();
  c->fd = fd;
  c->address = address;
  c->ex = ex;
  c->ex.addresses_tried++;
  c->ex.connect_ns = 0;
  c->connect_start_ns = now;
  c->state = Connection::State::kConnecting;
  c->deadline_ns = now + instance_.config().connect_timeout_ns;
  connecting_.push_back(c);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.len) == 0) {
    if (Watch(c, EPOLLIN)) OnConnectReady(c);
  } else if (errno == EINPROGRESS) {
    Watch(c, EPOLLOUT);
  } else {
    OnConnectFailed(c, errno);
  }
}

void Worker::OnConnectReady(Connection* c) {
  int err_no = 0;
  socklen_t len = sizeof err_no;
  // Once a TLS handshake runs, the session reads socket errors itself (they fail it as tls).
  if (!c->TlsActive() && getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err_no, &len) != 0)
    err_no = errno;
  if (err_no != 0) {
    OnConnectFailed(c, err_no);
    return;
  }
  if (!ConnectTls(c)) return;  // https: the handshake is part of connecting (worker_tls.cc)
  const uint64_t now = host_fns_.NowNs();
  connecting_.Remove(c);
  c->ex.connect_ns = std::max<uint64_t>(1, now - c->connect_start_ns);
  preferred_address_ = c->address;
  BeginRequest(c, now);
}

void Worker::OnConnectFailed(Connection* c, int err_no) {
  const Exchange ex = c->ex;
  const uint32_t address = c->address;
  Release(c);
  const auto count = static_cast<uint32_t>(addresses_->size());
  if (ex.addresses_tried < count) {  // e.g. localhost gave ::1 first but the server is on 127.0.0.1
    ConnectNew(ex, (address + 1) % count, host_fns_.NowNs());
    return;
  }
  done_.Push(ex, ConnectErrorKind(err_no), 0, host_fns_.NowNs(), "connect: %s (%s)",
             ErrnoText(err_no), (*addresses_)[address].text.c_str());
}

// ---- one exchange on a connected socket -------------------------------------------------

void Worker::BeginRequest(Connection* c, uint64_t now) {
  SetOwner(c);
  c->state = Connection::State::kActive;
  c->deadline_ns = now + instance_.config().response_timeout_ns;
  active_.push_back(c);
  c->write_offset = 0;
  c->body.Begin(c->ex.body_dropped ? nullptr : c->ex.request->multipart.get());
  c->parser.Reset(c->ex.request->head);
  const ResponseSpec* spec = c->ex.request->response.get();
  c->parser.SetSink(c->tap.Begin(spec != nullptr ? &spec->tap : nullptr,
                                 c->ex.request->store_cookies, c->ex.request->max_redirects > 0));
  c->carry.clear();
  WriteRequest(c);
}

void Worker::WriteRequest(Connection* c) {
  const std::string& bytes = c->ex.Bytes();
  if (!SendAll(c, bytes.data(), bytes.size(), &c->write_offset)) return;
  if (c->body.Unfinished() && !WriteBody(c)) return;
  Watch(c, EPOLLIN);
}

bool Worker::SendAll(Connection* c, const char* data, size_t len, size_t* offset) {
  while (*offset < len) {
    const ssize_t n = TransportSend(c, data + *offset, len - *offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        Watch(c, EPOLLIN | EPOLLOUT);
        return false;
      }
      OnPeerGone(c, errno, "send");
      return false;
    }
    *offset += static_cast<size_t>(n);
    c->ex.bytes_sent += static_cast<uint64_t>(n);
  }
  return true;
}

bool Worker::WriteBody(Connection* c) {
  std::string_view chunk;
  while (true) {
    if (!c->body.Next(&chunk, &write_error_)) {
      // Its Content-Length is on the wire: the request cannot be finished, nor the connection kept.
      Fail(c, SP_E_OTHER, "multipart body: %s", write_error_.c_str());
      return false;
    }
    if (chunk.empty()) return true;
    size_t sent = 0;
    const uint32_t generation = c->generation;
    const bool all = SendAll(c, chunk.data(), chunk.size(), &sent);
    if (!all && c->generation != generation) return false;  // failed: the slot was released
    c->body.Consume(sent);
    if (!all) return false;
  }
}

bool Worker::WritePending(const Connection* c) {
  return c->write_offset < c->ex.Bytes().size() || c->body.Unfinished();
}

void Worker::ReadResponse(Connection* c) {
  char* buf = read_buffer_.data();
  // An incomplete line from the last read goes in front; the parser caps it at max_line.
  size_t have = c->carry.size();
  std::memcpy(buf, c->carry.data(), have);
  c->carry.clear();
  while (true) {
    const size_t room = read_buffer_.size() - have;
    const ssize_t n = TransportRecv(c, buf + have, room);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      OnPeerGone(c, errno, "recv");
      return;
    }
    if (n == 0) {
      OnPeerGone(c, 0, "recv");
      return;
    }
    Exchange& ex = c->ex;
    if (ex.bytes_received == 0) ex.ttfb_ns = std::max<uint64_t>(1, host_fns_.NowNs() - ex.start_ns);
    ex.bytes_received += static_cast<uint64_t>(n);
    const size_t len = have + static_cast<size_t>(n);
    size_t used = 0;
    switch (c->parser.Feed(buf, len, &used)) {
      case http1::Parser::Result::kDone:
        // A 101 switches protocols, which no request of ours asks for.
        if (c->parser.upgraded()) {
          Fail(c, SP_E_PROTOCOL, "protocol: unexpected 101 Switching Protocols");
        } else {
          CompleteResponse(c, used < len);
        }
        return;
      case http1::Parser::Result::kError:
        Fail(c, SP_E_PROTOCOL, "protocol: %s", c->parser.error());
        return;
      case http1::Parser::Result::kHeadDone:  // never: the worker does not SetStopAfterHead
      case http1::Parser::Result::kNeedMore:
        have = len - used;
        std::memmove(buf, buf + used, have);
        break;
    }
    if (static_cast<size_t>(n) < room && !TransportHasMore(c)) break;  // the socket is drained
  }
  c->carry.assign(buf, have);
}

void Worker::CompleteResponse(Connection* c, bool trailing_bytes) {
  const int status = c->parser.status();
  // First, so that captures and later steps see the cookies this response set.
  cookies_.Store(c->ex.vu, c->ex.iteration, c->ex.Bytes(), c->tap.set_cookies());
  if (FollowsRedirect(c, status, trailing_bytes)) return;  // worker_redirect.cc
  if (!PushFinalResponse(c->ex, status, c->tap, host_fns_.NowNs(), sessions_, cookies_, done_)) {
    Release(c);  // as after any failure: the connection is not reused
    return;
  }
  done_.NoteLast(redirect_note_);  // a redirect not followed says why
  Recycle(c, trailing_bytes);
}

void Worker::Recycle(Connection* c, bool trailing_bytes) {
  ++c->served;
  // A response that came before the whole request was sent (a 413 mid-upload) leaves the
  // connection in the middle of a body: it is closed, not reused.
  const bool reusable = c->parser.keep_alive() && !trailing_bytes && !WritePending(c);
  if (!reusable) {
    Release(c);
    return;
  }
  active_.Remove(c);
  c->state = Connection::State::kIdle;
  idle_.push_back(c);
}

void Worker::OnPeerGone(Connection* c, int err_no, const char* op) {
  Exchange& ex = c->ex;
  if (ex.bytes_received == 0 && c->reused && !ex.retried) {
    // The server closed this keep-alive connection while it was idle, before our request
    // reached it: resend once on a fresh connection, as browsers and wrk do.
    Exchange again = ex;
    again.retried = true;
    again.addresses_tried = 0;
    Release(c);
    ConnectNew(again, preferred_address_, host_fns_.NowNs());
    return;
  }
  if (c->tls && c->tls->Failed()) {  // https: a TLS failure after the handshake (bad record, alert)
    Fail(c, c->tls->ErrorKind(), "%s", c->tls->error());
    return;
  }
  if (err_no == 0) {
    if (c->parser.Finish() == http1::Parser::Result::kDone) {
      CompleteResponse(c, false);
    } else if (ex.bytes_received == 0) {
      Fail(c, SP_E_RESET, "connection closed by the peer before any response byte");
    } else {
      Fail(c, SP_E_RESET, "connection closed by the peer mid-response (%llu bytes received)",
           static_cast<unsigned long long>(ex.bytes_received));
    }
    return;
  }
  Fail(c, IoErrorKind(err_no), "%s: %s", op, ErrnoText(err_no));
}

void Worker::Fail(Connection* c, sp_error_kind kind, const char* detail_format, ...) {
  const int status = c->state == Connection::State::kActive ? c->parser.status() : 0;
  va_list args;
  va_start(args, detail_format);
  done_.Vpush(c->ex, kind, status, host_fns_.NowNs(), detail_format, args);
  va_end(args);
  Release(c);
}

void Worker::OnIdleEvent(Connection* c) {
  // Nothing is expected on an idle connection: EOF, an error or stray bytes all end it.
  // (With TLS, a session ticket or key update is read here and leaves the connection idle.)
  const ssize_t n = TransportRecv(c, read_buffer_.data(), read_buffer_.size());
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  Release(c);
}

// ---- the loop ---------------------------------------------------------------------------

void Worker::ExpireTimers(uint64_t now) {
  if (h2_) {
    h2_->ExpireTimers(now);
    StartH2Hops();
  }
  while (!connecting_.empty() && connecting_.front()->deadline_ns <= now) {
    Connection* c = connecting_.front();
    Fail(c, SP_E_CONNECT_TIMEOUT,
         c->TlsActive() ? "connect: TLS handshake with %s not complete within %llu ms"
                        : "connect: no connection to %s within %llu ms",
         (*addresses_)[c->address].text.c_str(), Ms(instance_.config().connect_timeout_ns));
  }
  while (!active_.empty() && active_.front()->deadline_ns <= now) {
    Fail(active_.front(), SP_E_RESPONSE_TIMEOUT, "no complete response within %llu ms",
         Ms(instance_.config().response_timeout_ns));
  }
}

uint64_t Worker::NextTimer() const {
  uint64_t next = UINT64_MAX;
  if (!connecting_.empty()) next = connecting_.front()->deadline_ns;
  if (!active_.empty()) next = std::min(next, active_.front()->deadline_ns);
  if (h2_) next = std::min(next, h2_->NextTimer());
  return next;
}

int Worker::Poll(uint64_t deadline_ns) {
  bool waited = false;
  while (true) {
    PumpWaiting();
    if (const int n = done_.Deliver(host_); n > 0) return n;
    const uint64_t now = host_fns_.NowNs();
    ExpireTimers(now);
    if (!done_.empty()) continue;
    if (waited && now >= deadline_ns) return 0;
    const uint64_t wake = std::min(deadline_ns, NextTimer());
    const uint64_t timeout = wake > now ? std::min(wake - now, kMaxWaitNs) : 0;
    if (!WaitAndDispatch(timeout)) return -1;
    waited = true;
  }
}

bool Worker::WaitAndDispatch(uint64_t timeout_ns) {
  int n = -1;
  if (have_pwait2_) {
    const timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000),
                      static_cast<long>(timeout_ns % 1'000'000'000)};
    n = epoll_pwait2(epfd_, events_.data(), static_cast<int>(events_.size()), &ts, nullptr);
    if (n < 0 && errno == ENOSYS) have_pwait2_ = false;
  }
  if (!have_pwait2_) {
    // Round up: waking early would spin until the deadline.
    const int timeout_ms = static_cast<int>((timeout_ns + 999'999) / 1'000'000);
    n = epoll_wait(epfd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
  }
  if (n < 0) return errno == EINTR;
  for (int i = 0; i < n; ++i) Dispatch(events_[static_cast<size_t>(i)]);
  return true;
}

void Worker::Dispatch(const epoll_event& ev) {
  if ((ev.data.u64 & H2Pool::kEpollTag) != 0) {
    h2_->Dispatch(ev.data.u64, ev.events);
    StartH2Hops();
    return;
  }
  const auto slot = static_cast<uint32_t>(ev.data.u64 & 0xffffffffu);
  const auto generation = static_cast<uint32_t>(ev.data.u64 >> 32);
  if (slot >= slots_.size()) return;
  Connection* c = slots_[slot].get();
  // An earlier event of this batch may have closed the connection and reused the slot.
  if (c->generation != generation) return;
  switch (c->state) {
    case Connection::State::kConnecting: OnConnectReady(c); break;
    case Connection::State::kActive:
      if ((ev.events & EPOLLOUT) != 0 && WritePending(c)) {
        WriteRequest(c);
        if (c->generation != generation || c->state != Connection::State::kActive) return;
      }
      if ((ev.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) ReadResponse(c);
      break;
    case Connection::State::kIdle: OnIdleEvent(c); break;
    case Connection::State::kFree:
      break;
  }
}

void Worker::CancelAll() {
  while (!connecting_.empty()) Fail(connecting_.front(), SP_E_INTERRUPTED, "cancelled by the host");
  while (!active_.empty()) Fail(active_.front(), SP_E_INTERRUPTED, "cancelled by the host");
  if (h2_) h2_->CancelAll();
  while (!waiting_.empty()) {
    done_.Push(waiting_.front(), SP_E_INTERRUPTED, 0, host_fns_.NowNs(),
               "cancelled by the host while waiting for a connection");
    waiting_.pop_front();
  }
  while (done_.Deliver(host_) > 0) {
  }
}

}  // namespace sp::http
