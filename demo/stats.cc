#include "demo/stats.h"

#include <nlohmann/json.hpp>

namespace sp::demo {

void Stats::Count(Route route, int status) {
  int r = static_cast<int>(route);
  if (r < 0 || r >= kCountedRoutes || status < 100 || status >= 600) return;
  by_route_[r].fetch_add(1, std::memory_order_relaxed);
  by_status_[status].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Stats::Served(Route route) const {
  int r = static_cast<int>(route);
  if (r < 0 || r >= kCountedRoutes) return 0;
  return by_route_[r].load(std::memory_order_relaxed);
}

std::uint64_t Stats::Responses(int status) const {
  if (status < 100 || status >= 600) return 0;
  return by_status_[status].load(std::memory_order_relaxed);
}

std::string Stats::ToJson(const CircuitCounts* circuit) const {
  static constexpr const char* kNames[kCountedRoutes] = {"/webhook", "/health", "other",
                                                         "/v1/reply"};
  // The webhook role's document is what it was before the upstream role existed.
  const int shown = upstream_role_ ? kCountedRoutes : kCountedRoutes - 1;
  nlohmann::json by_path = nlohmann::json::object();
  std::uint64_t total = 0;
  for (int r = 0; r < shown; ++r) {
    std::uint64_t n = by_route_[r].load(std::memory_order_relaxed);
    by_path[kNames[r]] = n;
    total += n;
  }
  nlohmann::json by_status = nlohmann::json::object();
  for (int s = 100; s < 600; ++s) {
    std::uint64_t n = by_status_[s].load(std::memory_order_relaxed);
    if (n != 0) by_status[std::to_string(s)] = n;
  }
  nlohmann::json doc = {{"requests", total}, {"by_path", by_path}, {"by_status", by_status}};
  if (circuit != nullptr) {
    doc["circuit"] = {
        {"state", circuit->state},
        {"transitions",
         {{"open", circuit->to_open},
          {"half_open", circuit->to_half_open},
          {"closed", circuit->to_closed}}},
        {"upstream_calls",
         {{"ok", circuit->ok},
          {"error", circuit->error},
          {"timeout", circuit->timeout},
          {"rejected", circuit->rejected}}}};
  }
  return doc.dump();
}

}  // namespace sp::demo
