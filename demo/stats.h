// What the demo served since it started, for GET /stats and the final report on SIGTERM.
// A test of the whole tool compares the load tester's request count with these numbers, so
// they are exact: a response is counted just before it is sent, with relaxed atomics (no
// lock on the request path).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace sp::demo {

// The paths the demo tells apart in "by_path". Anything unknown is kOther ("other" in the
// JSON), so the table stays bounded whatever clients send. kStats is never counted.
enum class Route { kWebhook, kHealth, kOther, kStats };

class Stats {
 public:
  // Records one response with `status` on `route`; kStats and statuses outside 100..599 are
  // ignored.
  void Count(Route route, int status);

  // {"requests":N,"by_path":{"/health":H,"/webhook":W,"other":O},"by_status":{"200":N,...}}
  // "requests" is the sum of "by_path"; "by_status" lists only statuses that occurred.
  std::string ToJson() const;

 private:
  static constexpr int kCountedRoutes = 3;  // kWebhook, kHealth, kOther
  std::array<std::atomic<std::uint64_t>, kCountedRoutes> by_route_{};
  std::array<std::atomic<std::uint64_t>, 600> by_status_{};  // indexed by status code
};

}  // namespace sp::demo
