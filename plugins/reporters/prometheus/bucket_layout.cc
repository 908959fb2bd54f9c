#include "plugins/reporters/prometheus/bucket_layout.h"

#include <algorithm>
#include <cmath>

namespace sp::prometheus_reporter {

using nlohmann::json;

namespace {
constexpr size_t kMaxBounds = 100;

bool IsCount(const json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
}

BucketLayout FromMs(const std::vector<double>& ms) {
  BucketLayout out;
  std::string unused;
  BucketLayout::Parse(json(ms).dump(), &out, &unused);
  return out;
}
}  // namespace

BucketLayout BucketLayout::Default() {
  return FromMs({1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000});
}

bool BucketLayout::Parse(std::string_view json_text, BucketLayout* out, std::string* err) {
  const json list = json::parse(json_text, nullptr, false);
  if (!list.is_array() || list.empty() || list.size() > kMaxBounds) {
    *err = "buckets must be a list of 1 to 100 bounds in milliseconds, e.g. [1, 5, 25, 100]";
    return false;
  }
  BucketLayout layout;
  const json* previous = nullptr;
  for (const json& v : list) {
    const double ms = v.is_number() ? v.get<double>() : NAN;
    if (!std::isfinite(ms) || ms <= 0 || ms > 3.6e7) {
      *err = "bucket bound " + v.dump() + " is not a number of milliseconds in (0, 36000000]";
      return false;
    }
    if (!layout.bounds_ms_.empty() && ms <= layout.bounds_ms_.back()) {
      *err = "bucket bounds must increase: " + v.dump() + " follows " + previous->dump();
      return false;
    }
    previous = &v;
    layout.bounds_ms_.push_back(ms);
    layout.bounds_ns_.push_back(static_cast<uint64_t>(std::llround(ms * 1e6)));
  }
  *out = std::move(layout);
  return true;
}

void BucketLayout::Add(const json& sparse, std::vector<uint64_t>* counts) const {
  if (!sparse.is_array()) return;
  for (const json& e : sparse) {
    if (!e.is_array() || e.size() != 2 || !IsCount(e[0]) || !IsCount(e[1])) continue;
    const int b =
        static_cast<int>(std::min<uint64_t>(e[0].get<uint64_t>(), sp::reporters::kHdrBuckets - 1));
    const uint64_t high = HdrBucketHigh(b);
    const size_t slot = static_cast<size_t>(
        std::lower_bound(bounds_ns_.begin(), bounds_ns_.end(), high) - bounds_ns_.begin());
    (*counts)[slot] += e[1].get<uint64_t>();
  }
}

}  // namespace sp::prometheus_reporter
