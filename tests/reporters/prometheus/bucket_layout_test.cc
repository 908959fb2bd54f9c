// The oracle: `le` counts derived from a Histogram's sparse buckets, against counts taken
// directly from the raw samples that filled it.
#include "plugins/reporters/prometheus/bucket_layout.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "core/metrics/histogram.h"

using sp::metrics::Histogram;
using sp::prometheus_reporter::BucketLayout;
using sp::prometheus_reporter::HdrBucketHigh;

namespace {

nlohmann::json Sparse(const Histogram& h) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [b, n] : h.Buckets()) out.push_back({b, n});
  return out;
}

BucketLayout Layout(const char* text) {
  BucketLayout l;
  std::string err;
  REQUIRE(BucketLayout::Parse(text, &l, &err));
  return l;
}

}  // namespace

TEST_CASE("the HDR bucket edges are the histogram's", "[prometheus]") {
  for (int b = 0; b < Histogram::kBuckets; ++b)
    REQUIRE(HdrBucketHigh(b) == Histogram::BucketHigh(b));
}

TEST_CASE("cumulative buckets equal the raw samples' counts within one HDR bucket below each bound",
          "[prometheus]") {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> log_ns(std::log(50.0), std::log(3e10));
  std::vector<uint64_t> samples;
  Histogram h;
  for (int i = 0; i < 200000; ++i) {
    uint64_t v = static_cast<uint64_t>(std::exp(log_ns(rng)));
    if (i % 50 == 0) v = 1'000'000 * (1 + i % 7);  // exactly on some bounds
    samples.push_back(v);
    h.Record(v);
  }
  for (const char* text : {"[1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]",
                           "[0.0001, 0.05, 0.1, 0.2, 0.3, 1, 2, 3, 4, 5, 6, 7, 30000]"}) {
    const BucketLayout layout = Layout(text);
    std::vector<uint64_t> slots(layout.slots(), 0);
    layout.Add(Sparse(h), &slots);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < layout.bounds_ms().size(); ++i) {
      cumulative += slots[i];
      const auto bound_ns = static_cast<uint64_t>(std::llround(layout.bounds_ms()[i] * 1e6));
      // The rule: a sample counts under the first bound at or above its HDR bucket's top.
      const auto exact = std::count_if(samples.begin(), samples.end(), [&](uint64_t v) {
        return Histogram::BucketHigh(Histogram::BucketOf(v)) <= bound_ns;
      });
      const auto at_most_bound =
          std::count_if(samples.begin(), samples.end(), [&](uint64_t v) { return v <= bound_ns; });
      const auto below_its_bucket = std::count_if(samples.begin(), samples.end(), [&](uint64_t v) {
        return v < Histogram::BucketLow(Histogram::BucketOf(bound_ns));
      });
      CAPTURE(text, layout.bounds_ms()[i]);
      REQUIRE(cumulative == static_cast<uint64_t>(exact));
      REQUIRE(cumulative <= static_cast<uint64_t>(at_most_bound));
      REQUIRE(cumulative >= static_cast<uint64_t>(below_its_bucket));
    }
    REQUIRE(cumulative + slots.back() == samples.size());
  }
}

TEST_CASE("a bound on an HDR bucket's top edge counts exactly the samples at or below it",
          "[prometheus]") {
  Histogram h;
  for (uint64_t v : {100u, 127u, 128u, 129u, 130u, 131u, 1000u}) h.Record(v);
  // 131 ns is the top of the bucket [130, 131]: 0.000131 ms.
  const BucketLayout layout = Layout("[0.000127, 0.000131]");
  std::vector<uint64_t> slots(layout.slots(), 0);
  layout.Add(Sparse(h), &slots);
  REQUIRE(slots == std::vector<uint64_t>{2, 4, 1});
}

TEST_CASE("bucket layouts that cannot be used are refused, saying why", "[prometheus]") {
  BucketLayout l;
  std::string err;
  REQUIRE_FALSE(BucketLayout::Parse("[]", &l, &err));
  REQUIRE(err.find("list of 1 to 100 bounds") != std::string::npos);
  REQUIRE_FALSE(BucketLayout::Parse("{\"a\": 1}", &l, &err));
  REQUIRE_FALSE(BucketLayout::Parse("[1, \"5ms\"]", &l, &err));
  REQUIRE(err == "bucket bound \"5ms\" is not a number of milliseconds in (0, 36000000]");
  REQUIRE_FALSE(BucketLayout::Parse("[0, 1]", &l, &err));
  REQUIRE_FALSE(BucketLayout::Parse("[5, 5]", &l, &err));
  REQUIRE(err == "bucket bounds must increase: 5 follows 5");
  REQUIRE(BucketLayout::Default().bounds_ms().size() == 13);
}
