#include "demo/stats.h"

#include <nlohmann/json.hpp>

namespace sp::demo {

void Stats::Count(Route route, int status) {
  int r = static_cast<int>(route);
  if (r < 0 || r >= kCountedRoutes || status < 100 || status >= 600) return;
  by_route_[r].fetch_add(1, std::memory_order_relaxed);
  by_status_[status].fetch_add(1, std::memory_order_relaxed);
}

std::string Stats::ToJson() const {
  static constexpr const char* kNames[kCountedRoutes] = {"/webhook", "/health", "other"};
  nlohmann::json by_path = nlohmann::json::object();
  std::uint64_t total = 0;
  for (int r = 0; r < kCountedRoutes; ++r) {
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
  return doc.dump();
}

}  // namespace sp::demo
