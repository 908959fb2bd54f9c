// What the demo served since it started, for GET /stats, GET /metrics and the final report on
// SIGTERM. A test of the whole tool compares the load tester's request count with these
// numbers, so they are exact: a response is counted just before it is sent, with relaxed
// atomics (no lock on the request path).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace sp::demo {

// The paths the demo tells apart in "by_path". Anything unknown is kOther ("other" in the
// JSON), so the table stays bounded whatever clients send. kReply is the upstream role's
// /v1/reply. kStats and kMetrics are never counted: reading the counts does not change them.
enum class Route { kWebhook, kHealth, kOther, kReply, kStats, kMetrics };

// The webhook's upstream calls and circuit breaker (only with --upstream).
struct CircuitCounts {
  const char* state = "closed";  // closed | open | half_open
  std::uint64_t to_open = 0;     // transitions into each state
  std::uint64_t to_half_open = 0;
  std::uint64_t to_closed = 0;
  std::uint64_t ok = 0;  // upstream calls by outcome; rejected: the breaker answered 503
  std::uint64_t error = 0;
  std::uint64_t timeout = 0;
  std::uint64_t rejected = 0;
};

class Stats {
 public:
  // `upstream_role`: "by_path" lists /v1/reply too (the upstream role serves it instead of
  // /webhook, which then still appears, as 0).
  explicit Stats(bool upstream_role = false) : upstream_role_(upstream_role) {}

  // Records one response with `status` on `route`; kStats, kMetrics and statuses outside
  // 100..599 are ignored.
  void Count(Route route, int status);

  std::uint64_t Served(Route route) const;  // 0 for routes that are not counted
  std::uint64_t Responses(int status) const;  // 0 outside 100..599
  bool upstream_role() const { return upstream_role_; }

  // {"requests":N,"by_path":{"/health":H,"/webhook":W,"other":O},"by_status":{"200":N,...}}
  // "requests" is the sum of "by_path"; "by_status" lists only statuses that occurred. With
  // `circuit`, a "circuit" object follows (docs/demo.md).
  std::string ToJson(const CircuitCounts* circuit = nullptr) const;

 private:
  static constexpr int kCountedRoutes = 4;  // kWebhook, kHealth, kOther, kReply
  const bool upstream_role_;
  std::array<std::atomic<std::uint64_t>, kCountedRoutes> by_route_{};
  std::array<std::atomic<std::uint64_t>, 600> by_status_{};  // indexed by status code
};

}  // namespace sp::demo
