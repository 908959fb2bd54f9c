#include "plugins/reporters/common/hdr_buckets.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sp::reporters {

using nlohmann::json;

uint64_t HdrBucketLow(int b) {
  if (b < 128) return static_cast<uint64_t>(b);
  const int shift = (b - 128) / 64 + 1;
  return static_cast<uint64_t>((b - 128) % 64 + 64) << shift;
}

uint64_t HdrBucketHigh(int b) {
  if (b < 128) return static_cast<uint64_t>(b);
  const int shift = (b - 128) / 64 + 1;
  return HdrBucketLow(b) + (1ull << shift) - 1;
}

std::vector<HdrBucket> ReadHdrBuckets(const json& sparse) {
  std::vector<HdrBucket> out;
  if (!sparse.is_array()) return out;
  for (const json& e : sparse) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer() || !e[1].is_number_integer())
      continue;
    const int64_t index = e[0].get<int64_t>();
    if (index < 0 || index >= kHdrBuckets || e[1].get<int64_t>() <= 0) continue;
    out.push_back({static_cast<int>(index), e[1].get<uint64_t>()});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const HdrBucket& a, const HdrBucket& b) { return a.index < b.index; });
  return out;
}

double HdrPercentile(const std::vector<HdrBucket>& buckets, double p, double min_ns,
                     double max_ns) {
  uint64_t total = 0;
  for (const HdrBucket& b : buckets) total += b.count;
  if (total == 0) return std::numeric_limits<double>::quiet_NaN();
  // What the buckets allow, narrowed by the exact extremes when they are known and agree.
  const double bottom = std::max(min_ns, static_cast<double>(HdrBucketLow(buckets.front().index)));
  const double top =
      std::max(bottom, std::min(max_ns, static_cast<double>(HdrBucketHigh(buckets.back().index))));
  if (p <= 0) return bottom;
  if (p >= 100) return top;
  const double rank = std::max(1.0, std::ceil(p / 100.0 * static_cast<double>(total)));
  uint64_t seen = 0;
  for (const HdrBucket& b : buckets) {
    seen += b.count;
    if (static_cast<double>(seen) >= rank) {
      const uint64_t low = HdrBucketLow(b.index), high = HdrBucketHigh(b.index);
      return std::clamp(static_cast<double>(low + (high - low) / 2), bottom, top);
    }
  }
  return top;
}

}  // namespace sp::reporters
