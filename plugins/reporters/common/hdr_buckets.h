// The reports' latency histograms read back: the sparse `hdr-log-linear-7` encoding of
// docs/reports.md ([[bucket, count], ...]; values below 128 ns exact, then 64 buckets per power
// of two), the same edges as core/metrics/histogram.h, which a plugin cannot include.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace sp::reporters {

// Buckets of the encoding: 128 exact values, then 64 per power of two up to 2^45 ns.
inline constexpr int kHdrBuckets = 128 + (45 - 7) * 64;

// The lowest and the highest (inclusive) value, in ns, of bucket `b` (0 <= b < kHdrBuckets).
uint64_t HdrBucketLow(int b);
uint64_t HdrBucketHigh(int b);

struct HdrBucket {
  int index = 0;
  uint64_t count = 0;
};

// The well-formed entries of a sparse bucket list, ordered by bucket: each [index, count] with
// 0 <= index < kHdrBuckets and count > 0. Anything else (not a list, another shape, a negative
// or fractional number) is skipped: a reporter draws what it can rather than fail the run.
std::vector<HdrBucket> ReadHdrBuckets(const nlohmann::json& sparse);

// The value at percentile p (0 < p <= 100) of `buckets` (ordered, as ReadHdrBuckets returns
// them) in ns, the way core's Histogram::Percentile reports it: the midpoint of the first bucket
// where at least p% of the count is reached, clamped to [min_ns, max_ns] (pass 0 and infinity
// when unknown). NaN when the buckets are empty.
double HdrPercentile(const std::vector<HdrBucket>& buckets, double p, double min_ns, double max_ns);

}  // namespace sp::reporters
