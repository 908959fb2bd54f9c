// The latency histogram against an exact oracle: sorted samples.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/metrics/histogram.h"

using sp::metrics::Histogram;

namespace {

// The exact percentile with the histogram's definition: the smallest v with >= p% at or below.
uint64_t Oracle(std::vector<uint64_t> v, double p) {
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  if (rank == 0) rank = 1;
  return v[rank - 1];
}

void CheckAgainstOracle(const std::vector<uint64_t>& samples) {
  Histogram h;
  for (uint64_t s : samples) h.Record(s);
  REQUIRE(h.count() == samples.size());
  CHECK(h.min() == *std::min_element(samples.begin(), samples.end()));
  CHECK(h.max() == *std::max_element(samples.begin(), samples.end()));
  uint64_t prev = 0;
  for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99}) {
    uint64_t exact = Oracle(samples, p);
    uint64_t got = h.Percentile(p);
    INFO("p" << p << " exact " << exact << " got " << got);
    CHECK(std::abs(static_cast<double>(got) - static_cast<double>(exact)) <=
          0.01 * static_cast<double>(exact) + 0.5);
    CHECK(got >= prev);
    CHECK(got <= h.max());
    prev = got;
  }
}

}  // namespace

TEST_CASE("bucket boundaries are contiguous and every value lands in its own bucket") {
  for (int b = 1; b < Histogram::kBuckets; ++b) {
    REQUIRE(Histogram::BucketLow(b) == Histogram::BucketHigh(b - 1) + 1);
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = rng() >> (rng() % 64);
    if (v > Histogram::kMaxValue) v = Histogram::kMaxValue;
    int b = Histogram::BucketOf(v);
    REQUIRE(Histogram::BucketLow(b) <= v);
    REQUIRE(v <= Histogram::BucketHigh(b));
  }
}

TEST_CASE("percentiles are within 1% of the exact sorted-sample oracle") {
  std::mt19937_64 rng(42);
  SECTION("uniform 1us..1s") {
    std::uniform_int_distribution<uint64_t> d(1'000, 1'000'000'000);
    std::vector<uint64_t> v(50'000);
    for (auto& x : v) x = d(rng);
    CheckAgainstOracle(v);
  }
  SECTION("lognormal latencies") {
    std::lognormal_distribution<double> d(13.0, 1.5);
    std::vector<uint64_t> v(50'000);
    for (auto& x : v) x = static_cast<uint64_t>(d(rng)) + 1;
    CheckAgainstOracle(v);
  }
  SECTION("adversarial: bimodal with a far tail") {
    std::vector<uint64_t> v;
    for (int i = 0; i < 9'900; ++i) v.push_back(1'000'000 + static_cast<uint64_t>(i));
    for (int i = 0; i < 100; ++i) v.push_back(5'000'000'000ull + static_cast<uint64_t>(i) * 1'000'003);
    CheckAgainstOracle(v);
  }
  SECTION("adversarial: all equal, and tiny values") {
    CheckAgainstOracle(std::vector<uint64_t>(1000, 123'456'789));
    std::vector<uint64_t> small;
    for (uint64_t i = 0; i < 300; ++i) small.push_back(i % 150);
    CheckAgainstOracle(small);
  }
  SECTION("a single sample: every percentile is that sample") {
    Histogram h;
    h.Record(987'654'321);
    CHECK(h.Percentile(50) == 987'654'321);
    CHECK(h.Percentile(99) == 987'654'321);
  }
}

TEST_CASE("merging histograms equals recording everything into one") {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> d(12.0, 2.0);
  Histogram a, b, all;
  for (int i = 0; i < 20'000; ++i) {
    uint64_t v = static_cast<uint64_t>(d(rng));
    (i % 3 ? a : b).Record(v);
    all.Record(v);
  }
  a.Merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  CHECK(a.Buckets() == all.Buckets());
  for (double p : {50.0, 95.0, 99.0}) CHECK(a.Percentile(p) == all.Percentile(p));
}

TEST_CASE("an empty histogram reports zeros, huge values are clamped") {
  Histogram h;
  CHECK(h.Percentile(99) == 0);
  CHECK(h.min() == 0);
  h.Record(UINT64_MAX);
  CHECK(h.max() == Histogram::kMaxValue);
}
