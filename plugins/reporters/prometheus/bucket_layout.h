// The `le` buckets the Prometheus reporter exports for latency and service time, derived from
// the run's HDR histograms (the `hdr-log-linear-7` encoding of docs/reports.md: values below
// 128 ns exact, then 64 buckets per power of two).
//
// An HDR bucket is counted under the first bound at or above its *upper* edge. A bound that
// falls inside an HDR bucket therefore leaves that bucket's samples to the next bound: `le`
// counts every sample <= its bound except, possibly, some within 0.8% below it (one HDR bucket
// width) - never one above it. Latency is never made to look better than it was.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/reporters/common/hdr_buckets.h"

namespace sp::prometheus_reporter {

// The inclusive upper edge, in ns, of HDR bucket `b` of the hdr-log-linear-7 encoding.
using sp::reporters::HdrBucketHigh;

class BucketLayout {
 public:
  // 1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10 s.
  static BucketLayout Default();
  // A JSON list of bounds in milliseconds, strictly increasing, each > 0 and finite, at most
  // 100 of them. False with *err saying what is wrong otherwise.
  static bool Parse(std::string_view json_text, BucketLayout* out, std::string* err);

  const std::vector<double>& bounds_ms() const { return bounds_ms_; }
  // Slots per histogram: one per bound, then +Inf.
  size_t slots() const { return bounds_ns_.size() + 1; }
  // Adds a sparse HDR histogram ([[bucket, count], ...]) to per-slot counts (not cumulative;
  // `counts` has slots() entries). Entries that are not [integer >= 0, integer] are skipped.
  void Add(const nlohmann::json& sparse, std::vector<uint64_t>* counts) const;

 private:
  std::vector<double> bounds_ms_;
  std::vector<uint64_t> bounds_ns_;
};

}  // namespace sp::prometheus_reporter
