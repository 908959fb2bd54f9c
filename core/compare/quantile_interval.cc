#include "core/compare/quantile_interval.h"

#include <algorithm>
#include <cmath>

namespace sp::compare {
namespace {

// The bucket holding the value of 1-based rank `rank`, or -1 past the end.
int BucketOfRank(const metrics::Histogram& h, uint64_t rank) {
  uint64_t seen = 0;
  for (const auto& [bucket, count] : h.Buckets()) {
    seen += count;
    if (seen >= rank) return bucket;
  }
  return -1;
}

}  // namespace

uint64_t RankLow(const metrics::Histogram& h, uint64_t rank) {
  if (h.count() == 0) return 0;
  const int b = BucketOfRank(h, std::clamp<uint64_t>(rank, 1, h.count()));
  return std::clamp(metrics::Histogram::BucketLow(b), h.min(), h.max());
}

uint64_t RankHigh(const metrics::Histogram& h, uint64_t rank) {
  if (h.count() == 0) return 0;
  const int b = BucketOfRank(h, std::clamp<uint64_t>(rank, 1, h.count()));
  return std::clamp(metrics::Histogram::BucketHigh(b), h.min(), h.max());
}

double TwoSidedZ(double confidence) {
  // P(|Z| <= z) = erf(z / sqrt 2): increasing in z, so bisection finds it to double precision.
  double lo = 0.0;
  double hi = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (std::erf(mid / std::sqrt(2.0)) < confidence ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

QuantileInterval IntervalOf(const metrics::Histogram& h, double p, double confidence) {
  QuantileInterval out;
  out.count = h.count();
  if (out.count == 0) return out;
  const double n = static_cast<double>(out.count);
  const double q = p / 100.0;
  const double spread = TwoSidedZ(confidence) * std::sqrt(n * q * (1.0 - q));
  const double low_rank = std::floor(n * q - spread);
  const double high_rank = std::ceil(n * q + spread) + 1.0;
  out.low = RankLow(h, low_rank < 1.0 ? 1 : static_cast<uint64_t>(low_rank));
  out.high = RankHigh(h, high_rank > n ? out.count : static_cast<uint64_t>(high_rank));
  return out;
}

}  // namespace sp::compare
