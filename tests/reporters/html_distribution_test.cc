// The latency distribution and the reporters' reading of HDR buckets
// (plugins/reporters/html/distribution.h, plugins/reporters/common/hdr_buckets.h), against
// core's Histogram filled with known samples: the oracle is the samples themselves.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "core/metrics/histogram.h"
#include "plugins/reporters/common/hdr_buckets.h"
#include "plugins/reporters/html/distribution.h"

using nlohmann::json;
using sp::metrics::Histogram;
using sp::reporters::HdrBucket;

namespace {

std::vector<HdrBucket> BucketsOf(const Histogram& h) {
  std::vector<HdrBucket> out;
  for (const auto& [b, n] : h.Buckets()) out.push_back({b, n});
  return out;
}

// Latencies from 20 µs to 3 s, log-uniform, plus a spike of identical values.
std::vector<uint64_t> Samples(int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> log_ns(std::log(2e4), std::log(3e9));
  std::vector<uint64_t> out;
  for (int i = 0; i < n; ++i)
    out.push_back(i % 10 == 0 ? 12'345'678 : static_cast<uint64_t>(std::exp(log_ns(rng))));
  return out;
}

}  // namespace

TEST_CASE("html distribution: the HDR bucket edges are core's", "[html]") {
  for (int b = 0; b < Histogram::kBuckets; ++b) {
    REQUIRE(sp::reporters::HdrBucketLow(b) == Histogram::BucketLow(b));
    REQUIRE(sp::reporters::HdrBucketHigh(b) == Histogram::BucketHigh(b));
  }
  CHECK(sp::reporters::kHdrBuckets == Histogram::kBuckets);
}

TEST_CASE("html distribution: percentiles from the buckets are core's", "[html]") {
  Histogram h;
  for (uint64_t v : Samples(50000, 7)) h.Record(v);
  const std::vector<HdrBucket> buckets = BucketsOf(h);
  const double min = static_cast<double>(h.min()), max = static_cast<double>(h.max());
  for (double p : {0.0, 0.001, 1.0, 50.0, 90.0, 95.0, 99.0, 99.9, 100.0}) {
    INFO("p" << p);
    CHECK(sp::reporters::HdrPercentile(buckets, p, min, max) ==
          static_cast<double>(h.Percentile(p)));
  }
  CHECK(std::isnan(sp::reporters::HdrPercentile({}, 95, 0, 1)));
  // Without min and max the result is still within the buckets.
  const double p95 = sp::reporters::HdrPercentile(buckets, 95, 0, INFINITY);
  CHECK(p95 == static_cast<double>(h.Percentile(95)));
}

TEST_CASE("html distribution: malformed bucket entries are skipped, the rest ordered", "[html]") {
  const json sparse =
      json::parse(R"([[300, 2], [5, 1], [-1, 4], [9999999, 1], [7, 0], [8, -2], [9, 1.5],
                                      ["10", 1], [11], 12, [13, 3]])");
  const std::vector<HdrBucket> b = sp::reporters::ReadHdrBuckets(sparse);
  REQUIRE(b.size() == 3);
  CHECK((b[0].index == 5 && b[0].count == 1));
  CHECK((b[1].index == 13 && b[1].count == 3));
  CHECK((b[2].index == 300 && b[2].count == 2));
  CHECK(sp::reporters::ReadHdrBuckets(json::object()).empty());
}

TEST_CASE(
    "html distribution: each bin holds the samples in its range, give or take its edges' buckets",
    "[html]") {
  const std::vector<uint64_t> samples = Samples(200000, 13);
  Histogram h;
  for (uint64_t v : samples) h.Record(v);
  const sp::html::Distribution d = sp::html::BinLatency(BucketsOf(h));
  // 20 µs .. 3 s is five decades and a bit: 20 bins per decade would be over 100.
  CHECK(d.per_decade == 10);
  REQUIRE(!d.bins.empty());
  CHECK(d.bins.size() <= sp::html::kMaxDistributionBins);
  CHECK(d.total == samples.size());
  double sum = 0;
  for (size_t i = 0; i < d.bins.size(); ++i) {
    const sp::html::DistributionBin& bin = d.bins[i];
    sum += bin.count;
    if (i > 0) CHECK(bin.low_ms == Approx(d.bins[i - 1].high_ms));
    CHECK(bin.high_ms / bin.low_ms == Approx(std::pow(10.0, 0.1)));
    // The exact count in [low, high), and what the buckets cut by either edge may move.
    double exact = 0, slack = 0;
    for (uint64_t v : samples) {
      const double ms = static_cast<double>(v) / 1e6;
      exact += ms >= bin.low_ms && ms < bin.high_ms;
      for (double edge : {bin.low_ms, bin.high_ms}) {
        const int b = Histogram::BucketOf(static_cast<uint64_t>(edge * 1e6));
        slack += v >= Histogram::BucketLow(b) && v <= Histogram::BucketHigh(b);
      }
    }
    INFO("bin " << bin.low_ms << " .. " << bin.high_ms << " ms");
    CHECK(std::fabs(bin.count - exact) <= slack);
  }
  CHECK(sum == samples.size());
  // The spike's bin (12.3 ms lies in [10^1.0, 10^1.1)) holds at least the spike.
  const auto spike = std::find_if(d.bins.begin(), d.bins.end(), [](const auto& b) {
    return b.low_ms <= 12.35 && b.high_ms > 12.35;
  });
  REQUIRE(spike != d.bins.end());
  CHECK(spike->count >= samples.size() / 10);
}

TEST_CASE("html distribution: bins aligned on powers of ten, fewer per decade for wide ranges",
          "[html]") {
  Histogram narrow;
  for (uint64_t v : {1'000'000ull, 1'500'000ull, 9'000'000ull}) narrow.Record(v);
  const sp::html::Distribution n = sp::html::BinLatency(BucketsOf(narrow));
  CHECK(n.per_decade == 20);
  REQUIRE(n.bins.size() == 20);  // 1 ms .. 10 ms
  CHECK(n.bins.front().low_ms == Approx(1));
  CHECK(n.bins.back().high_ms == Approx(10));
  CHECK(n.bins.front().count == 1);
  CHECK(n.bins.back().count == 1);

  Histogram wide;
  for (uint64_t v : {200ull, 30'000'000'000ull}) wide.Record(v);  // 200 ns .. 30 s: 8 decades
  CHECK(sp::html::BinLatency(BucketsOf(wide)).per_decade == 10);
  CHECK(sp::html::BinLatency(BucketsOf(wide), 45).per_decade == 5);
  CHECK(sp::html::BinLatency(BucketsOf(wide), 40).per_decade == 2);
  CHECK(sp::html::BinLatency(BucketsOf(wide), 5).per_decade == 1);
  CHECK(sp::html::BinLatency({}).bins.empty());
}

TEST_CASE(
    "html distribution: a bar per non-empty bin, percentiles marked, read-outs for the script",
    "[html]") {
  Histogram h;
  for (int i = 0; i < 90; ++i) h.Record(2'000'000);
  for (int i = 0; i < 10; ++i) h.Record(50'000'000);
  const sp::html::Distribution d = sp::html::BinLatency(BucketsOf(h));
  const std::string svg =
      sp::html::RenderDistribution(d, {{"p50", 2.0}, {"p99", 50.0}, {"p95", NAN}});
  size_t bars = 0;
  for (size_t at = svg.find("<rect class=\"bar\""); at != std::string::npos;
       at = svg.find("<rect class=\"bar\"", at + 1))
    ++bars;
  CHECK(bars == 2);
  CHECK(svg.find("requests, 90.00%</title>") != std::string::npos);
  CHECK(svg.find("data-mark=\"p50\"") != std::string::npos);
  CHECK(svg.find("data-mark=\"p99\"") != std::string::npos);
  CHECK(svg.find("data-mark=\"p95\"") == std::string::npos);  // no value, no line
  const json data = sp::html::DistributionData(d);
  CHECK(data["x"].size() == d.bins.size());
  CHECK(data["text"].size() == d.bins.size());
  CHECK(sp::html::RenderDistribution({}, {}).find("no data") != std::string::npos);
}
