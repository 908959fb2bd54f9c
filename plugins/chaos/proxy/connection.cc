#include "plugins/chaos/proxy/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "plugins/chaos/proxy/toxic_pieces.h"

namespace sp::proxy {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// Reads per readiness event: enough for throughput, few enough that one busy connection
// cannot starve the others (or the loop's commands).
constexpr int kReadsPerEvent = 4;

void SetLingerReset(int fd) {
  linger l{};
  l.l_onoff = 1;
  l.l_linger = 0;
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

}  // namespace

Connection::Connection(LoopContext* ctx, uint64_t id, int client_fd, uint64_t now_ns)
    : ctx_(ctx), id_(id), http_(ctx->config->protocol == Protocol::kHttp) {
  fd_[kClient] = client_fd;
  connect_deadline_ns_ = now_ns + ctx->config->connect_timeout_ns;
}

Connection::~Connection() {
  if (!closed_) CloseAbruptly(false, false);
}

void Connection::Start(uint64_t now_ns) {
  const int one = 1;
  setsockopt(fd_[kClient], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  SetInterest(kClient, EPOLLIN);
  const Address& up = ctx_->config->upstream;
  fd_[kServer] = socket(up.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_[kServer] < 0) {
    ctx_->Log(SP_LOG_WARN, std::string("proxy: cannot create a socket: ") + std::strerror(errno));
    CloseGracefully();
    return;
  }
  setsockopt(fd_[kServer], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd_[kServer], reinterpret_cast<const sockaddr*>(&up.storage), up.length) == 0) {
    connected_ = true;
  } else if (errno != EINPROGRESS) {
    ctx_->Log(SP_LOG_DEBUG,
              "proxy: cannot connect to " + up.ToString() + ": " + std::strerror(errno));
    CloseGracefully();
    return;
  }
  Progress(now_ns);
}

void Connection::FinishConnect(uint64_t now_ns) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd_[kServer], SOL_SOCKET, SO_ERROR, &err, &len);
  if (err == EINPROGRESS || err == EALREADY) return;
  if (err != 0) {
    ctx_->Log(SP_LOG_DEBUG, "proxy: cannot connect to " + ctx_->config->upstream.ToString() + ": " +
                                std::strerror(err));
    CloseGracefully();  // the client sees its connection closed, as toxiproxy does
    return;
  }
  connected_ = true;
  Progress(now_ns);
}

void Connection::OnEvent(int side, uint32_t events, uint64_t now_ns) {
  if (closed_) return;
  if (side == kServer && !connected_) {
    FinishConnect(now_ns);
    return;
  }
  if (events & EPOLLERR) {
    // A reset (or other error) on one side is passed on to the other as a reset.
    CloseAbruptly(side == kServer, side == kClient);
    return;
  }
  if (events & (EPOLLIN | EPOLLHUP)) ReadSide(side, (events & EPOLLHUP) != 0, now_ns);
  if (closed_) return;
  if (events & EPOLLHUP) hung_up_[side] = true;
  Progress(now_ns);
}

void Connection::OnTimer(uint64_t now_ns) {
  if (closed_) return;
  if (!connected_ && now_ns >= connect_deadline_ns_) {
    ctx_->Log(SP_LOG_DEBUG, "proxy: connecting to " + ctx_->config->upstream.ToString() +
                                " timed out (connect_timeout)");
    CloseGracefully();
    return;
  }
  CheckDeadlines(now_ns);
  if (!closed_) Progress(now_ns);
}

void Connection::ReadSide(int side, bool ignore_high_water, uint64_t now_ns) {
  char buf[kReadChunk];
  for (int i = 0; i < kReadsPerEvent || ignore_high_water; ++i) {
    if (closed_ || read_eof_[side]) return;
    if (!ignore_high_water && flows_[side].Pending() >= kHighWater) return;
    const ssize_t n = recv(fd_[side], buf, sizeof buf, 0);
    if (n > 0) {
      if (closing_) continue;  // the connection is being closed: late data goes nowhere
      OnData(side, std::string_view(buf, static_cast<size_t>(n)), now_ns);
    } else if (n == 0) {
      OnEof(side, now_ns);
      return;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return;
    } else {
      CloseAbruptly(side == kServer, side == kClient);
      return;
    }
  }
}

void Connection::OnData(int flow, std::string_view data, uint64_t now_ns) {
  if (http_) {
    HttpData(flow, data, now_ns);
  } else {
    Shape(flow, data, 0, now_ns);
  }
}

void Connection::OnEof(int side, uint64_t now_ns) {
  read_eof_[side] = true;
  if (http_ && side == kServer && responses_.FinishAtEof()) ResponseDone(now_ns);
  uint64_t delay = 0;
  for (const Binding& b : bindings_) {
    const ToxicSpec& s = b.toxic->spec;
    if (b.applies && s.kind == ToxicKind::kSlowClose && s.ActsOn(DirectionBit(side)))
      delay += s.delay_ns;
  }
  flows_[side].PushEof(now_ns + delay, now_ns);
}

void Connection::Shape(int flow, std::string_view data, uint64_t extra_ns, uint64_t now_ns) {
  if (data.empty()) return;
  const unsigned dir = DirectionBit(flow);
  bool limit_reached = false;
  for (Binding& b : bindings_) {
    const ToxicSpec& s = b.toxic->spec;
    if (!b.applies || !s.ActsOn(dir)) continue;
    if (s.kind == ToxicKind::kTimeout) return;  // data is dropped while the toxic is active
    if (s.kind == ToxicKind::kLimitData) {
      const uint64_t left = s.bytes - std::min(s.bytes, b.passed[flow]);
      if (data.size() >= left) {
        data = data.substr(0, static_cast<size_t>(left));
        limit_reached = true;
      }
      b.passed[flow] += data.size();
    }
  }
  std::vector<Piece> pieces{{data.size(), now_ns + extra_ns}};
  for (Binding& b : bindings_) {
    const ToxicSpec& s = b.toxic->spec;
    if (!b.applies || !s.ActsOn(dir)) continue;
    switch (s.kind) {
      case ToxicKind::kLatency:
        DelayPieces(&pieces, Jittered(s.latency_ns, s.jitter_ns, &ctx_->rng));
        break;
      case ToxicKind::kBandwidth: ThrottlePieces(&pieces, s.rate, &b.cursor_ns[flow]); break;
      case ToxicKind::kSlicer:
        SlicePieces(&pieces, s.slice_size, s.size_variation, s.slice_delay_ns, &ctx_->rng,
                    &b.cursor_ns[flow]);
        break;
      default:
        break;
    }
  }
  flows_[flow].Push(data, pieces, now_ns);
  if (limit_reached) StartClosing();
}

void Connection::AddToxic(const ToxicPtr& toxic, uint64_t now_ns) {
  if (closed_ || toxic->spec.kind == ToxicKind::kRefuse) return;  // refuse acts on the listener
  Binding b;
  b.toxic = toxic;
  // HTTP toxics are drawn for every request (connection_http.cc), TCP toxics once here.
  b.applies = toxic->spec.IsHttp() || ctx_->Chance(toxic->spec.probability);
  b.applied_ns = now_ns;
  bindings_.push_back(std::move(b));
  CheckDeadlines(now_ns);
  if (!closed_) Progress(now_ns);
}

void Connection::RemoveToxic(uint64_t toxic_id, uint64_t now_ns) {
  if (closed_) return;
  const auto it = std::find_if(bindings_.begin(), bindings_.end(),
                               [&](const Binding& b) { return b.toxic->id == toxic_id; });
  if (it == bindings_.end()) return;
  bindings_.erase(it);
  // What the toxic held back goes out now, in order (with what other toxics held: the
  // release is for the whole flow, which keeps the order simple and the revert prompt).
  flows_[0].Release(now_ns, /*all=*/true);
  flows_[1].Release(now_ns, /*all=*/true);
  Progress(now_ns);
}

void Connection::CheckDeadlines(uint64_t now_ns) {
  for (const Binding& b : bindings_) {
    const ToxicSpec& s = b.toxic->spec;
    if (!b.applies || now_ns < b.applied_ns + s.delay_ns) continue;
    if (s.kind == ToxicKind::kTimeout && s.delay_ns > 0) {
      CloseGracefully();
      return;
    }
    if (s.kind == ToxicKind::kResetPeer) {
      CloseAbruptly(s.ActsOn(kDirDownstream), s.ActsOn(kDirUpstream));
      return;
    }
  }
}

uint64_t Connection::NextDeadline() const {
  if (closed_) return std::numeric_limits<uint64_t>::max();
  uint64_t next = std::min(flows_[0].NextRelease(), flows_[1].NextRelease());
  if (!connected_) next = std::min(next, connect_deadline_ns_);
  for (const Binding& b : bindings_) {
    const ToxicSpec& s = b.toxic->spec;
    if (b.applies && ((s.kind == ToxicKind::kTimeout && s.delay_ns > 0) || s.kind == ToxicKind::kResetPeer)) {
      next = std::min(next, b.applied_ns + s.delay_ns);
    }
  }
  return next;
}

void Connection::Progress(uint64_t now_ns) {
  if (closed_) return;
  for (int flow = 0; flow < 2; ++flow) {
    const int to = 1 - flow;
    flows_[flow].Release(now_ns);
    if (to == kServer && !connected_) continue;
    if (flows_[flow].HasOutput() && !flows_[flow].WriteTo(fd_[to])) {
      // The receiver is gone (reset or closed): pass a reset on to the sender.
      CloseAbruptly(to == kServer, to == kClient);
      return;
    }
    if (flows_[flow].EofDue() && !shut_[to]) {
      shutdown(fd_[to], SHUT_WR);
      shut_[to] = true;
    }
  }
  const bool both_ended = shut_[kClient] && shut_[kServer];
  const bool drained = closing_ && flows_[0].empty() && flows_[1].empty();
  if (both_ended || drained) {
    CloseGracefully();
    return;
  }
  UpdateInterest();
}

void Connection::UpdateInterest() {
  for (int side = 0; side < 2; ++side) {
    if (fd_[side] < 0) continue;
    uint32_t want = 0;
    if (side == kServer && !connected_) {
      want = EPOLLOUT;
    } else {
      bool may_read = !read_eof_[side] && !closing_ && flows_[side].Pending() < kHighWater;
      // A client that pipelines without reading its answers must not grow them unbounded.
      if (http_ && side == kClient && flows_[kServer].Pending() >= kHighWater) may_read = false;
      if (may_read) want |= EPOLLIN;
      if (flows_[FlowTo(side)].HasOutput()) want |= EPOLLOUT;
    }
    if (read_eof_[side] && (shut_[side] || hung_up_[side]) && want == 0) {
      // Nothing more to read or write here: stop listening, or a hang-up would fire forever.
      if (registered_[side]) {
        epoll_ctl(ctx_->epoll_fd, EPOLL_CTL_DEL, fd_[side], nullptr);
        registered_[side] = false;
      }
      continue;
    }
    if (!registered_[side] || want != interest_[side]) SetInterest(side, want);
  }
}

void Connection::SetInterest(int side, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = ConnTag(id_, side);
  epoll_ctl(ctx_->epoll_fd, registered_[side] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd_[side], &ev);
  registered_[side] = true;
  interest_[side] = events;
}

void Connection::CloseGracefully() {
  for (int side = 0; side < 2; ++side) {
    if (fd_[side] < 0) continue;
    // Unread input would make close() send an RST instead of a FIN; read it away (bounded).
    char buf[16 * 1024];
    for (int i = 0; i < 64 && recv(fd_[side], buf, sizeof buf, MSG_DONTWAIT) > 0; ++i) {
    }
    close(fd_[side]);  // also leaves the epoll set
    fd_[side] = -1;
  }
  closed_ = true;
}

void Connection::CloseAbruptly(bool reset_client, bool reset_server) {
  const bool reset[2] = {reset_client, reset_server};
  for (int side = 0; side < 2; ++side) {
    if (fd_[side] < 0) continue;
    if (reset[side]) SetLingerReset(fd_[side]);
    close(fd_[side]);
    fd_[side] = -1;
  }
  closed_ = true;
}

}  // namespace sp::proxy
