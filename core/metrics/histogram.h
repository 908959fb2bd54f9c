// A fixed-size, HDR-style latency histogram: log-linear buckets with 64 sub-buckets per power
// of two, so any recorded value is reported within 1/128 (0.8%) of itself, whatever the run's
// length. Memory is constant (about 20 KiB); two histograms merge losslessly by adding counts.
// Min and max are tracked exactly. Values are nanoseconds (any unsigned unit works).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace sp::metrics {

class Histogram {
 public:
  // Values at or above this are recorded as this (about 9.7 hours in nanoseconds).
  static constexpr uint64_t kMaxValue = (1ull << 45) - 1;
  static constexpr int kSubBits = 7;  // 2^7 = 128 exact values, then 64 per octave
  static constexpr int kBuckets = 128 + (45 - kSubBits) * 64;

  void Record(uint64_t value);
  void Merge(const Histogram& other);
  void Reset();

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double sum() const { return sum_; }

  // The value at percentile p (0 < p <= 100): the smallest recorded value v such that at
  // least p% of values are <= v, reported as its bucket's midpoint, clamped to [min, max].
  // p50 <= p95 <= p99 <= max always holds. 0 for an empty histogram.
  uint64_t Percentile(double p) const;

  // Sparse encoding for reports and later merging: [[bucket_index, count], ...].
  std::vector<std::pair<int, uint64_t>> Buckets() const;

  // The inverse of Buckets() with min(), max() and sum(): a histogram a report carries, read
  // back to be merged (core/report/recorder_json.h). Refuses, saying why, a bucket index out of
  // range, a repeated or unordered bucket, a zero count, or min/max outside the first and last
  // buckets; *this is unchanged then.
  bool Restore(const std::vector<std::pair<int, uint64_t>>& buckets, uint64_t min, uint64_t max,
               double sum, std::string* err);

  static int BucketOf(uint64_t value);
  static uint64_t BucketLow(int bucket);
  static uint64_t BucketHigh(int bucket);  // inclusive

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  double sum_ = 0;  // a double: exact enough for a mean, never overflows
};

}  // namespace sp::metrics
