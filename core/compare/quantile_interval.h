// How precisely a run's histogram knows one of its percentiles: a distribution-free confidence
// interval for the p-th quantile from order statistics (the ranks n·p ± z·sqrt(n·p·(1-p)) of
// a binomial count), widened to the edges of the histogram buckets those ranks fall in, so the
// histogram's own 0.8% resolution is inside it too. `stressplan compare` calls a latency
// change significant only when the two runs' intervals do not overlap, and judges a rule on
// the most favourable reading inside them (docs/compare.md).
//
// Assumption, stated where it is used: the requests are independent draws. Latencies of a load
// test are correlated in time (a slow second slows many requests), so the true interval is
// wider than this one; the rules' tolerances, not this interval, are what keep a noisy run from
// failing a comparison.
#pragma once

#include <cstdint>

#include "core/metrics/histogram.h"

namespace sp::compare {

struct QuantileInterval {
  uint64_t low = 0;  // the interval, in the histogram's unit (nanoseconds)
  uint64_t high = 0;
  uint64_t count = 0;  // requests it is drawn from; 0 when the histogram is empty
};

// The `confidence` (0 < c < 1, e.g. 0.99) interval of percentile `p` (0 < p < 100).
QuantileInterval IntervalOf(const metrics::Histogram& h, double p, double confidence);

// The value at 1-based rank `rank` of the histogram's sorted values, as its bucket's low or
// high edge (clamped to the recorded min and max).
uint64_t RankLow(const metrics::Histogram& h, uint64_t rank);
uint64_t RankHigh(const metrics::Histogram& h, uint64_t rank);

// The standard normal quantile z with P(|Z| <= z) = confidence (two-sided).
double TwoSidedZ(double confidence);

}  // namespace sp::compare
