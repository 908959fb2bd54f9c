// What a site's event loop lends each of its connections: the epoll set, the random source
// for the toxics' draws, and logging. Used on the loop thread only.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "plugins/chaos/proxy/site_config.h"
#include "stressplan/plugin.h"

namespace sp::proxy {

struct LoopContext {
  int epoll_fd = -1;
  const SiteConfig* config = nullptr;
  std::mt19937_64 rng{std::random_device{}()};
  const sp_host_api* host = nullptr;
  void* host_ctx = nullptr;

  // A uniform draw in [0, 1).
  double Draw() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }
  // True with probability p (exactly never at 0, always at 1).
  bool Chance(double p) { return p >= 1.0 || (p > 0.0 && Draw() < p); }
  void Log(sp_log_level level, const std::string& message) const;
};

// epoll tags: each socket's event data names the connection and the side, so an event for a
// connection closed earlier in the same batch finds nothing instead of freed memory.
constexpr uint64_t kTagWake = 0;      // the command eventfd
constexpr uint64_t kTagTimer = 1;     // the timerfd
constexpr uint64_t kTagListener = 2;  // the listening socket
constexpr uint64_t kFirstConnId = 8;
inline uint64_t ConnTag(uint64_t id, int side) { return id * 2 + static_cast<uint64_t>(side); }

}  // namespace sp::proxy
