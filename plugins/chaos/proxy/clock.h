// The monotonic clock every deadline in the proxy uses (the host's clock, CLOCK_MONOTONIC).
#pragma once

#include <time.h>

#include <cstdint>

namespace sp::proxy {

inline uint64_t MonoNowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

constexpr uint64_t kNsPerMs = 1'000'000;
constexpr uint64_t kNsPerSec = 1'000'000'000;

}  // namespace sp::proxy
