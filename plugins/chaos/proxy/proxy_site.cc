#include "plugins/chaos/proxy/proxy_site.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <system_error>

#include "plugins/chaos/proxy/clock.h"

namespace sp::proxy {
namespace {

constexpr int kMaxEvents = 256;
constexpr int kAcceptsPerEvent = 64;
constexpr uint64_t kAcceptPauseNs = 50 * kNsPerMs;  // after EMFILE: let connections close first

void AddToEpoll(int epoll_fd, int fd, uint64_t tag) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag;
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
}

}  // namespace

Site::Site(const sp_host_api* host, void* host_ctx, SiteConfig config) : config_(std::move(config)) {
  ctx_.host = host;
  ctx_.host_ctx = host_ctx;
  ctx_.config = &config_;
}

std::unique_ptr<Site> Site::Open(const sp_host_api* host, void* host_ctx, SiteConfig config,
                                 std::string* why) {
  std::unique_ptr<Site> site(new Site(host, host_ctx, std::move(config)));
  site->listen_fd_ = ListenOn(site->config_.listen, &site->bound_, why);
  if (site->listen_fd_ < 0) return nullptr;
  site->ctx_.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  site->timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (site->ctx_.epoll_fd < 0 || site->timer_fd_ < 0) {
    *why = std::string("cannot set up the proxy's event loop: ") + std::strerror(errno);
    return nullptr;
  }
  AddToEpoll(site->ctx_.epoll_fd, site->commands_.wake_fd(), kTagWake);
  AddToEpoll(site->ctx_.epoll_fd, site->timer_fd_, kTagTimer);
  AddToEpoll(site->ctx_.epoll_fd, site->listen_fd_, kTagListener);
  site->thread_ = std::thread([s = site.get()] { s->Run(); });
  site->ctx_.Log(SP_LOG_INFO,
                 "proxy listening on " + site->bound_.ToString() + ", forwarding to " +
                     site->config_.upstream.ToString() +
                     (site->config_.protocol == Protocol::kHttp ? " (http)" : " (tcp)"));
  return site;
}

Site::~Site() {
  if (thread_.joinable()) {
    stopping_ = true;
    commands_.Post(nullptr);
    thread_.join();
  }
  conns_.clear();  // closes every connection's sockets
  if (listen_fd_ >= 0) close(listen_fd_);
  if (timer_fd_ >= 0) close(timer_fd_);
  if (ctx_.epoll_fd >= 0) close(ctx_.epoll_fd);
}

bool Site::Apply(Command::Kind kind, const ToxicPtr& toxic, uint64_t deadline_ns,
                 std::string* why) {
  auto command = std::make_shared<Command>();
  command->kind = kind;
  command->toxic = toxic;
  commands_.Post(command);
  if (!CommandQueue::Wait(*command, deadline_ns)) {
    *why = "the proxy's event loop did not take the change in time (it will, in order)";
    return false;
  }
  std::lock_guard<std::mutex> lock(command->mu);
  *why = command->error;
  return command->error.empty();
}

void Site::RemoveLater(const ToxicPtr& toxic) {
  auto command = std::make_shared<Command>();
  command->kind = Command::Kind::kRemove;
  command->toxic = toxic;
  commands_.Post(std::move(command));
}

void Site::Run() {
  pthread_setname_np(pthread_self(), "sp-proxy");
  epoll_event events[kMaxEvents];
  while (!stopping_) {
    const int n = epoll_wait(ctx_.epoll_fd, events, kMaxEvents, -1);
    if (n < 0 && errno != EINTR) {
      ctx_.Log(SP_LOG_ERROR, std::string("proxy: epoll_wait failed: ") + std::strerror(errno));
      break;
    }
    const uint64_t now = MonoNowNs();
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kTagWake) {
        HandleCommands(now);
      } else if (tag == kTagTimer) {
        uint64_t expirations = 0;
        [[maybe_unused]] const ssize_t r = read(timer_fd_, &expirations, sizeof expirations);
      } else if (tag == kTagListener) {
        AcceptReady(now);
      } else {
        OnConnectionEvent(tag, events[i].events, now);
      }
    }
    RunTimers(MonoNowNs());
    ArmTimer();
  }
  // Nobody will process what is still queued: say so to whoever waits.
  for (const auto& command : commands_.Take()) {
    if (command) CommandQueue::Acknowledge(*command, "the proxy was closed");
  }
}

void Site::HandleCommands(uint64_t now_ns) {
  for (const auto& command : commands_.Take()) {
    if (!command) continue;  // the stop request: stopping_ is set
    std::string error = command->kind == Command::Kind::kInstall ? Install(command->toxic, now_ns)
                                                                 : Remove(command->toxic, now_ns);
    CommandQueue::Acknowledge(*command, std::move(error));
  }
}

std::string Site::Install(const ToxicPtr& toxic, uint64_t now_ns) {
  for (const ToxicPtr& t : toxics_) {
    if (t->id == toxic->id) return "";  // installed already
  }
  toxics_.push_back(toxic);
  if (toxic->spec.kind == ToxicKind::kRefuse && toxic->spec.probability >= 1.0 && ++refusing_ == 1) {
    StopListening();
  }
  std::vector<Connection*> all;
  all.reserve(conns_.size());
  for (auto& [id, conn] : conns_) all.push_back(conn.get());
  for (Connection* conn : all) {
    conn->AddToxic(toxic, now_ns);
    Settle(*conn);
  }
  toxic->active = true;
  return "";
}

std::string Site::Remove(const ToxicPtr& toxic, uint64_t now_ns) {
  auto it = toxics_.begin();
  while (it != toxics_.end() && (*it)->id != toxic->id) ++it;
  if (it == toxics_.end()) return "";  // never installed, or removed already
  if (toxic->spec.kind == ToxicKind::kRefuse && toxic->spec.probability >= 1.0 && refusing_ == 1) {
    std::string why;
    if (!ListenAgain(&why)) return why;  // still refusing: the toxic stays, revert may retry
  }
  if (toxic->spec.kind == ToxicKind::kRefuse && toxic->spec.probability >= 1.0) --refusing_;
  toxics_.erase(it);
  std::vector<Connection*> all;
  all.reserve(conns_.size());
  for (auto& [id, conn] : conns_) all.push_back(conn.get());
  for (Connection* conn : all) {
    conn->RemoveToxic(toxic->id, now_ns);
    Settle(*conn);
  }
  toxic->active = false;
  return "";
}

void Site::AcceptReady(uint64_t now_ns) {
  if (listen_fd_ < 0 || now_ns < accept_paused_until_ns_) return;
  for (int i = 0; i < kAcceptsPerEvent; ++i) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        ctx_.Log(SP_LOG_WARN,
                 std::string("proxy: cannot accept more connections: ") + std::strerror(errno));
        accept_paused_until_ns_ = now_ns + kAcceptPauseNs;
        epoll_ctl(ctx_.epoll_fd, EPOLL_CTL_DEL, listen_fd_, nullptr);
      }
      return;
    }
    // refuse with probability < 1: the listener stays, drawn connections are reset at once.
    bool refused = false;
    for (const ToxicPtr& t : toxics_) {
      if (t->spec.kind == ToxicKind::kRefuse && ctx_.Chance(t->spec.probability)) refused = true;
    }
    if (refused) {
      linger l{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      close(fd);
      continue;
    }
    const uint64_t id = next_conn_id_++;
    auto conn = std::make_unique<Connection>(&ctx_, id, fd, now_ns);
    Connection& c = *conn;
    conns_.emplace(id, std::move(conn));
    c.Start(now_ns);
    for (const ToxicPtr& t : toxics_) {
      if (!c.closed()) c.AddToxic(t, now_ns);
    }
    Settle(c);
  }
}

void Site::OnConnectionEvent(uint64_t tag, uint32_t events, uint64_t now_ns) {
  const auto it = conns_.find(tag / 2);
  if (it == conns_.end()) return;  // closed earlier in this batch
  Connection& conn = *it->second;
  conn.OnEvent(static_cast<int>(tag % 2), events, now_ns);
  Settle(conn);
}

void Site::Settle(Connection& conn) {
  if (conn.closed()) {
    conns_.erase(conn.id());
    return;
  }
  const uint64_t next = conn.NextDeadline();
  if (next < conn.scheduled_ns) {
    conn.scheduled_ns = next;
    timers_.push({next, conn.id()});
  }
}

void Site::RunTimers(uint64_t now_ns) {
  if (accept_paused_until_ns_ != 0 && now_ns >= accept_paused_until_ns_) {
    accept_paused_until_ns_ = 0;
    if (listen_fd_ >= 0) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = kTagListener;
      epoll_ctl(ctx_.epoll_fd, EPOLL_CTL_ADD, listen_fd_, &ev);
    }
  }
  while (!timers_.empty() && timers_.top().first <= now_ns) {
    const auto [when, id] = timers_.top();
    timers_.pop();
    const auto it = conns_.find(id);
    // An entry the connection has since replaced by an earlier one is stale: skip it.
    if (it == conns_.end() || it->second->scheduled_ns != when) continue;
    Connection& conn = *it->second;
    conn.scheduled_ns = std::numeric_limits<uint64_t>::max();
    conn.OnTimer(now_ns);
    Settle(conn);
  }
}

void Site::ArmTimer() {
  uint64_t next = timers_.empty() ? 0 : timers_.top().first;
  if (accept_paused_until_ns_ != 0 && (next == 0 || accept_paused_until_ns_ < next)) {
    next = accept_paused_until_ns_;
  }
  itimerspec spec{};
  if (next != 0) {
    spec.it_value.tv_sec = static_cast<time_t>(next / kNsPerSec);
    spec.it_value.tv_nsec = static_cast<long>(next % kNsPerSec);
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void Site::StopListening() {
  if (listen_fd_ < 0) return;
  close(listen_fd_);  // new connects now get ECONNREFUSED
  listen_fd_ = -1;
  ctx_.Log(SP_LOG_INFO, "proxy: refusing connections on " + bound_.ToString());
}

bool Site::ListenAgain(std::string* why) {
  if (listen_fd_ >= 0) return true;
  Address bound;
  const int fd = ListenOn(bound_, &bound, why);
  if (fd < 0) return false;
  listen_fd_ = fd;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTagListener;
  epoll_ctl(ctx_.epoll_fd, EPOLL_CTL_ADD, listen_fd_, &ev);
  ctx_.Log(SP_LOG_INFO, "proxy: accepting connections on " + bound_.ToString() + " again");
  return true;
}

}  // namespace sp::proxy
