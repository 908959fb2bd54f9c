// The confidence interval of a percentile (core/compare/quantile_interval.h), against
// simulation as the oracle: over many runs drawn from a known distribution, the interval must
// hold the true quantile at least as often as its confidence says; it must shrink as runs grow
// and always contain the run's own reported percentile.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/compare/quantile_interval.h"

using sp::compare::IntervalOf;
using sp::metrics::Histogram;

namespace {

// An exponential latency with mean 20 ms: its p95 is 20 ms * ln(20).
constexpr double kMeanNs = 20e6;
const double kTrueP95 = kMeanNs * std::log(20.0);

Histogram Draw(std::mt19937_64& rng, int n) {
  std::exponential_distribution<double> d(1.0 / kMeanNs);
  Histogram h;
  for (int i = 0; i < n; ++i) h.Record(static_cast<uint64_t>(d(rng)));
  return h;
}

}  // namespace

TEST_CASE("quantile interval: z of common confidences", "[compare]") {
  CHECK(sp::compare::TwoSidedZ(0.95) == Approx(1.959964).epsilon(1e-6));
  CHECK(sp::compare::TwoSidedZ(0.99) == Approx(2.575829).epsilon(1e-6));
}

TEST_CASE("quantile interval: covers the true p95 at least as often as promised", "[compare]") {
  std::mt19937_64 rng(42);
  int covered = 0;
  const int runs = 400;
  for (int r = 0; r < runs; ++r) {
    const Histogram h = Draw(rng, 2000);
    const auto i = IntervalOf(h, 95, 0.95);
    REQUIRE(i.low <= h.Percentile(95));
    REQUIRE(h.Percentile(95) <= i.high);
    covered += i.low <= kTrueP95 && kTrueP95 <= i.high;
  }
  // 95% promised; the bucket edges only widen it. 400 runs: 0.95 - 3 sigma is about 0.917.
  CHECK(covered >= static_cast<int>(0.92 * runs));
}

TEST_CASE("quantile interval: narrows as the run grows", "[compare]") {
  std::mt19937_64 rng(7);
  const auto small = IntervalOf(Draw(rng, 500), 95, 0.99);
  const auto large = IntervalOf(Draw(rng, 200000), 95, 0.99);
  CHECK(large.high - large.low < (small.high - small.low) / 5);
  // At 200k requests the interval is within a few percent of the truth: the bucket width
  // (0.8%) and the sampling error together.
  CHECK(static_cast<double>(large.low) > kTrueP95 * 0.96);
  CHECK(static_cast<double>(large.high) < kTrueP95 * 1.04);
}

TEST_CASE("quantile interval: tiny and empty histograms", "[compare]") {
  Histogram empty;
  CHECK(IntervalOf(empty, 95, 0.99).count == 0);
  Histogram one;
  one.Record(5'000'000);
  const auto i = IntervalOf(one, 95, 0.99);
  CHECK(i.low == 5'000'000);  // clamped to the recorded min and max
  CHECK(i.high == 5'000'000);
}
