// A proxy site: one `proxies:` entry at run time. A listener that forwards every accepted
// connection to the upstream, served by an epoll event loop on a thread of its own, and the
// toxics installed on it. The chaos thread changes toxics only through Apply(), which hands
// the change to the loop and waits for its acknowledgement with a deadline; it never takes a
// lock the loop holds while doing I/O.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "plugins/chaos/proxy/command_queue.h"
#include "plugins/chaos/proxy/connection.h"
#include "plugins/chaos/proxy/loop_context.h"
#include "plugins/chaos/proxy/site_config.h"
#include "plugins/chaos/proxy/toxic.h"

namespace sp::proxy {

class Site {
 public:
  // Binds the listener and starts the loop thread. nullptr with *why (about `listen`) when the
  // address cannot be listened on.
  static std::unique_ptr<Site> Open(const sp_host_api* host, void* host_ctx, SiteConfig config,
                                    std::string* why);
  ~Site();  // stops the loop, closes every connection and the listener
  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  const SiteConfig& config() const { return config_; }
  // The address actually listened on (the kernel's port when `listen` asked for port 0).
  const Address& bound() const { return bound_; }
  uint64_t NewToxicId() { return next_toxic_id_.fetch_add(1); }

  // Installs or removes a toxic on the loop and waits until deadline_ns for it to be done.
  // False with *why when the loop refused it or did not answer in time (the change still
  // happens, in order, when the loop gets to it).
  bool Apply(Command::Kind kind, const ToxicPtr& toxic, uint64_t deadline_ns, std::string* why);
  // Removes a toxic without waiting (an instance destroyed without a successful revert).
  void RemoveLater(const ToxicPtr& toxic);

 private:
  Site(const sp_host_api* host, void* host_ctx, SiteConfig config);

  void Run();
  void HandleCommands(uint64_t now_ns);
  std::string Install(const ToxicPtr& toxic, uint64_t now_ns);
  std::string Remove(const ToxicPtr& toxic, uint64_t now_ns);
  void AcceptReady(uint64_t now_ns);
  void OnConnectionEvent(uint64_t tag, uint32_t events, uint64_t now_ns);
  // After any call into a connection: forget it if it closed, else keep its timer current.
  void Settle(Connection& conn);
  void RunTimers(uint64_t now_ns);
  void ArmTimer();
  void StopListening();
  bool ListenAgain(std::string* why);

  SiteConfig config_;
  Address bound_;
  LoopContext ctx_;
  CommandQueue commands_;
  int listen_fd_ = -1;
  int timer_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> next_toxic_id_{1};
  std::thread thread_;

  // Loop thread only.
  std::vector<ToxicPtr> toxics_;  // installed, in injection order
  int refusing_ = 0;              // installed refuse toxics with probability 1
  uint64_t accept_paused_until_ns_ = 0;
  uint64_t next_conn_id_ = kFirstConnId;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> conns_;
  using Timer = std::pair<uint64_t, uint64_t>;  // (when, connection id)
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
};

}  // namespace sp::proxy
