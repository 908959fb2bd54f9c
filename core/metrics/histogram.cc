#include "core/metrics/histogram.h"

#include <algorithm>
#include <cmath>

namespace sp::metrics {

int Histogram::BucketOf(uint64_t v) {
  if (v > kMaxValue) v = kMaxValue;
  if (v < 128) return static_cast<int>(v);
  int msb = 63 - __builtin_clzll(v);  // >= 7
  int shift = msb - 6;                // >= 1; v >> shift lies in [64, 127]
  return 128 + (shift - 1) * 64 + static_cast<int>((v >> shift) - 64);
}

uint64_t Histogram::BucketLow(int b) {
  if (b < 128) return static_cast<uint64_t>(b);
  int shift = (b - 128) / 64 + 1;
  uint64_t top = static_cast<uint64_t>((b - 128) % 64 + 64);
  return top << shift;
}

uint64_t Histogram::BucketHigh(int b) {
  if (b < 128) return static_cast<uint64_t>(b);
  int shift = (b - 128) / 64 + 1;
  return BucketLow(b) + (1ull << shift) - 1;
}

void Histogram::Record(uint64_t v) {
  if (v > kMaxValue) v = kMaxValue;
  ++counts_[BucketOf(v)];
  ++count_;
  sum_ += static_cast<double>(v);
  if (v < min_) min_ = v;
  if (v > max_) max_ = v;
}

void Histogram::Merge(const Histogram& o) {
  if (o.count_ == 0) return;
  for (int i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
  count_ += o.count_;
  sum_ += o.sum_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
}

void Histogram::Reset() { *this = Histogram(); }

uint64_t Histogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  if (p <= 0) return min();
  if (p >= 100) return max_;
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) {
      uint64_t mid = BucketLow(b) + (BucketHigh(b) - BucketLow(b)) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;
}

std::vector<std::pair<int, uint64_t>> Histogram::Buckets() const {
  std::vector<std::pair<int, uint64_t>> out;
  for (int b = 0; b < kBuckets; ++b) {
    if (counts_[b]) out.emplace_back(b, counts_[b]);
  }
  return out;
}

bool Histogram::Restore(const std::vector<std::pair<int, uint64_t>>& buckets, uint64_t min,
                        uint64_t max, double sum, std::string* err) {
  Histogram h;
  int previous = -1;
  for (const auto& [b, n] : buckets) {
    if (b <= previous || b >= kBuckets || n == 0) {
      *err = "bucket " + std::to_string(b) + " (count " + std::to_string(n) +
             ") is out of range, repeated, out of order or empty";
      return false;
    }
    h.counts_[b] = n;
    h.count_ += n;
    previous = b;
  }
  if (h.count_ > 0) {
    if (min > max || BucketOf(min) != buckets.front().first ||
        BucketOf(max) != buckets.back().first) {
      *err = "min " + std::to_string(min) + " and max " + std::to_string(max) +
             " do not lie in the first and last buckets";
      return false;
    }
    h.min_ = min;
    h.max_ = max;
    h.sum_ = sum;
  }
  *this = h;
  return true;
}

}  // namespace sp::metrics
