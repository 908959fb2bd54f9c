// The HTTP/2 pool's sockets: connecting (TCP, then for https:// the TLS handshake, which must
// select "h2" by ALPN), moving bytes between the socket and the connection's H2Session, and
// ending connections with every stream still on them. Same epoll set, timeouts and error kinds
// as HTTP/1.1 (worker.cc, worker_tls.cc).
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>

#include "plugins/http_target/h2_pool.h"
#include "plugins/http_target/h2_pool_state.h"
#include "plugins/http_target/socket_ops.h"
#include "plugins/http_target/tls_context.h"

namespace sp::http {
namespace {

constexpr size_t kWriteChunk = 64 * 1024;  // frames produced ahead of what the socket took

ssize_t Recv(TlsSession& tls, int fd, char* buf, size_t len) {
  return tls.Active() ? tls.Recv(buf, len) : ::recv(fd, buf, len, 0);
}

ssize_t Send(TlsSession& tls, int fd, const char* data, size_t len) {
  return tls.Active() ? tls.Send(data, len) : ::send(fd, data, len, MSG_NOSIGNAL);
}

}  // namespace

// Opens a socket for user `vu` (OpenConnectSocket: its local address, if any) and starts
// connecting it to `a`: true, or false with *failure.
static bool StartConnect(int* fd_out, const Address& a, const LocalAddresses& from, uint32_t vu,
                         SocketFailure* failure) {
  const int fd = OpenConnectSocket(a, from, vu, failure);
  if (fd < 0) return false;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.len) != 0 &&
      errno != EINPROGRESS) {
    const int e = errno;
    close(fd);
    failure->kind = ConnectErrorKind(e);
    failure->try_next_address = !IsLocalLimit(e);  // the next address may accept
    std::snprintf(failure->detail, sizeof failure->detail, "connect: %s (%s)", ErrnoText(e),
                  a.text.c_str());
    return false;
  }
  *fd_out = fd;
  return true;
}

H2Pool::Conn* H2Pool::Open(const Exchange& ex) {
  const auto count = static_cast<uint32_t>(shared_.addresses.size());
  const LocalAddresses& from = shared_.instance.config().local_addresses;
  uint32_t address = preferred_address_;
  int fd = -1;
  SocketFailure failure;
  for (uint32_t tried = 0; tried < count; ++tried, address = (address + 1) % count) {
    failure = SocketFailure{};
    if (StartConnect(&fd, shared_.addresses[address], from, ex.vu, &failure)) break;
    if (!failure.try_next_address) break;
  }
  const uint64_t now = host_.NowNs();
  if (fd < 0) {
    shared_.done.Push(ex, failure.kind, 0, now, "%s", failure.detail);
    return nullptr;
  }
  Conn* c;
  if (free_conns_.empty()) {
    conns_.push_back(std::make_unique<Conn>());
    c = conns_.back().get();
    c->slot = static_cast<uint32_t>(conns_.size() - 1);
  } else {
    c = conns_[free_conns_.back()].get();
    free_conns_.pop_back();
  }
  c->fd = fd;
  c->address = address;
  c->addresses_tried = 1;
  c->opener = ex.vu;
  c->state = Conn::State::kConnecting;
  c->connect_start_ns = now;
  c->deadline_ns = now + shared_.instance.config().connect_timeout_ns;
  c->session = std::make_unique<H2Session>(static_cast<H2Listener*>(this));
  lists_->connecting.push_back(c);
  if (ex.vu < kH2MaxOwnerVu) {
    if (ex.vu >= vu_conn_.size()) vu_conn_.resize(ex.vu + 1, kH2None);
    vu_conn_[ex.vu] = c->slot;
    c->owner = ex.vu;
  }
  // Writable once connected (at once, if connect already succeeded).
  if (!Watch(c, EPOLLOUT)) {  // closed again
    shared_.done.Push(ex, SP_E_LOCAL_LIMIT, 0, host_.NowNs(), "%s", c->fail_detail);
    return nullptr;
  }
  return c;
}

bool H2Pool::Watch(Conn* c, uint32_t events) {
  if (c->events == events) return true;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = (uint64_t{c->generation} << 32) | kEpollTag | c->slot;
  const int op = c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (epoll_ctl(shared_.epfd, op, c->fd, &ev) != 0) {
    FailConnection(c, errno == ENOSPC ? SP_E_LOCAL_LIMIT : SocketErrorKind(errno), "epoll_ctl: %s",
                   ErrnoText(errno));
    return false;
  }
  c->events = events;
  return true;
}

void H2Pool::Dispatch(uint64_t key, uint32_t events) {
  const auto slot = static_cast<uint32_t>(key & ~uint64_t{kEpollTag} & 0xffffffffu);
  const auto generation = static_cast<uint32_t>(key >> 32);
  if (slot >= conns_.size()) return;
  Conn* c = conns_[slot].get();
  if (c->generation != generation) return;  // closed earlier in this batch
  if (c->state == Conn::State::kConnecting) {
    OnConnectReady(c);
  } else if (c->state == Conn::State::kOpen) {
    if ((events & EPOLLOUT) != 0 && !Flush(c)) return;
    if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) Read(c);
  }
  Pump();
}

void H2Pool::OnConnectReady(Conn* c) {
  if (!c->tls.Active()) {
    int err_no = 0;
    socklen_t len = sizeof err_no;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err_no, &len) != 0) err_no = errno;
    if (err_no != 0) {
      OnConnectFailed(c, err_no);
      return;
    }
  }
  if (Handshake(c)) Established(c);
}

void H2Pool::OnConnectFailed(Conn* c, int err_no) {
  const auto count = static_cast<uint32_t>(shared_.addresses.size());
  while (c->addresses_tried < count) {  // the next address, as HTTP/1.1 does
    close(c->fd);
    c->events = 0;
    c->address = (c->address + 1) % count;
    ++c->addresses_tried;
    int fd = -1;
    SocketFailure failure;
    if (StartConnect(&fd, shared_.addresses[c->address], shared_.instance.config().local_addresses,
                     c->opener, &failure)) {
      c->fd = fd;
      Watch(c, EPOLLOUT);
      return;
    }
    c->fd = -1;
  }
  FailConnection(c, ConnectErrorKind(err_no), "connect: %s (%s)", ErrnoText(err_no),
                 shared_.addresses[c->address].text.c_str());
}

bool H2Pool::Handshake(Conn* c) {
  const TlsContext* tls = shared_.instance.tls();
  if (tls == nullptr) return true;  // h2c: prior knowledge, the preface goes first
  switch (c->tls.Handshake(*tls, c->fd, &tls_sessions_)) {
    case TlsSession::Step::kDone: break;
    case TlsSession::Step::kWantRead: Watch(c, EPOLLIN); return false;
    case TlsSession::Step::kWantWrite: Watch(c, EPOLLOUT); return false;
    case TlsSession::Step::kFailed:
      if (c->tls.RefusedAlpn()) {  // the server speaks no h2 (nginx without http2 says so)
        FailConnection(c, SP_E_PROTOCOL, "protocol: the server at %s refused HTTP/2 by ALPN (%s)",
                       shared_.addresses[c->address].text.c_str(), c->tls.error());
      } else {
        FailConnection(c, c->tls.ErrorKind(), "%s", c->tls.error());
      }
      return false;
  }
  if (c->tls.AlpnSelected() != "h2") {
    FailConnection(c, SP_E_PROTOCOL,
                   "protocol: the server at %s did not select HTTP/2 by ALPN (it offered "
                   "\"%s\"); use protocol: http1, or enable http2 on the server",
                   shared_.addresses[c->address].text.c_str(),
                   std::string(c->tls.AlpnSelected()).c_str());
    return false;
  }
  return true;
}

void H2Pool::Established(Conn* c) {
  const uint64_t now = host_.NowNs();
  lists_->connecting.Remove(c);
  c->state = Conn::State::kOpen;
  c->connect_ns = std::max<uint64_t>(1, now - c->connect_start_ns);
  preferred_address_ = c->address;
  if (!c->session->Start(kH2StreamWindow, &why_)) {
    FailConnection(c, SP_E_OTHER, "%s", why_.c_str());
    return;
  }
  // The requests that waited, in the order they came (pending is a stack).
  Stream* order = nullptr;
  while (Stream* s = c->pending) {
    c->pending = s->pending_next;
    s->pending_next = order;
    order = s;
  }
  while (Stream* s = order) {
    order = s->pending_next;
    s->ex.connect_ns = c->connect_ns;
    Submit(c, s);
  }
  UpdateRoom(c);
  Flush(c);
}

bool H2Pool::Flush(Conn* c) {
  while (true) {
    if (c->out_offset == c->out.size()) {
      c->out.clear();
      c->out_offset = 0;
      if (!c->session->Produce(&c->out, kWriteChunk)) {
        FailConnection(c, SP_E_PROTOCOL, "protocol: http2: %s", c->session->error().c_str());
        return false;
      }
      if (c->out.empty()) break;
    }
    const ssize_t n =
        Send(c->tls, c->fd, c->out.data() + c->out_offset, c->out.size() - c->out_offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Watch(c, EPOLLIN | EPOLLOUT);
      Lost(c, errno, "send");
      return false;
    }
    c->out_offset += static_cast<size_t>(n);
  }
  if (!Watch(c, EPOLLIN)) return false;
  CloseIfDone(c);
  return c->state == Conn::State::kOpen;
}

void H2Pool::Read(Conn* c) {
  char* buf = read_buffer_.data();
  while (true) {
    const ssize_t n = Recv(c->tls, c->fd, buf, read_buffer_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      Lost(c, errno, "recv");
      return;
    }
    if (n == 0) {
      Lost(c, 0, "recv");
      return;
    }
    if (!c->session->Receive(buf, static_cast<size_t>(n))) {
      FailConnection(c, SP_E_PROTOCOL, "protocol: http2: %s", c->session->error().c_str());
      return;
    }
    if (static_cast<size_t>(n) < read_buffer_.size() && !c->tls.HasBufferedResult()) break;
  }
  UpdateRoom(c);  // the server's SETTINGS may have changed how many streams fit
  Flush(c);       // WINDOW_UPDATE, SETTINGS ack, PING ack, streams that waited
}

void H2Pool::Lost(Conn* c, int err_no, const char* op) {
  if (c->tls.Failed()) {
    FailConnection(c, c->tls.ErrorKind(), "%s", c->tls.error());
  } else if (err_no == 0) {
    FailConnection(c, SP_E_RESET, "connection closed by the peer with the stream open");
  } else {
    FailConnection(c, IoErrorKind(err_no), "%s: %s", op, ErrnoText(err_no));
  }
}

void H2Pool::FailConnection(Conn* c, sp_error_kind kind, const char* format, ...) {
  if (c->state == Conn::State::kFree || c->fail_kind != SP_E_NONE) return;
  va_list args;
  va_start(args, format);
  std::vsnprintf(c->fail_detail, sizeof c->fail_detail, format, args);
  va_end(args);
  c->fail_kind = kind;
  const uint64_t now = host_.NowNs();
  while (Stream* s = c->pending) {
    c->pending = s->pending_next;
    shared_.done.Push(s->ex, kind, 0, now, "%s", c->fail_detail);
    FinishStream(s);
  }
  c->session->CloseAll(H2End::kConnectionLost);
  Close(c);
}

void H2Pool::CloseIfDone(Conn* c) {
  if (c->state != Conn::State::kOpen) return;
  if (c->streams == 0 && (c->session->Draining() || c->session->Finished())) {
    Close(c);  // after a GOAWAY: not reused
  } else if (c->session->Finished()) {
    // nghttp2 found a connection error and said GOAWAY itself: its streams go with it.
    const std::string& why = c->session->error();
    FailConnection(c, SP_E_PROTOCOL, "protocol: http2: %s",
                   why.empty() ? "the session ended with streams open" : why.c_str());
  }
}

void H2Pool::Close(Conn* c) {
  lists_->connecting.Remove(c);
  lists_->room.Remove(c);
  if (c->owner < vu_conn_.size() && vu_conn_[c->owner] == c->slot) vu_conn_[c->owner] = kH2None;
  c->owner = kH2None;
  c->session.reset();
  c->tls.Reset();
  if (c->fd >= 0) close(c->fd);  // also leaves the epoll set
  c->fd = -1;
  c->events = 0;
  c->state = Conn::State::kFree;
  c->streams = 0;
  c->pending = nullptr;
  c->out.clear();
  c->out_offset = 0;
  c->fail_kind = SP_E_NONE;
  c->in_unflushed = false;
  ++c->generation;
  free_conns_.push_back(c->slot);
}

}  // namespace sp::http
