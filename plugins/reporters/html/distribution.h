// The latency distribution: the run's whole latency histogram (the summary's lossless HDR
// buckets) regrouped into bins of equal width on a logarithmic latency axis and drawn as inline
// SVG bars, each the share of all requests that took that long, with the percentiles marked.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plugins/reporters/common/hdr_buckets.h"

namespace sp::html {

struct DistributionBin {
  double low_ms = 0;   // inclusive
  double high_ms = 0;  // exclusive
  double count = 0;
};

struct Distribution {
  std::vector<DistributionBin> bins;  // ascending, contiguous, empty ones included
  double total = 0;
  int per_decade = 0;  // bins per power of ten
};

inline constexpr size_t kMaxDistributionBins = 100;

// Bins whose edges are 10^(k / per_decade) ms, so none straddles 1 ms, 10 ms, ...; from the bin
// holding the smallest value to the one holding the largest; per_decade is the largest of 20,
// 10, 5, 2 and 1 that keeps them within `max_bins`. Each HDR bucket is counted whole in the bin
// holding its midpoint: a bucket is at most 0.8% wide and a bin at least 12%, so only the
// samples of a bucket straddling a bin's edge can land one bin off. Values below 1 ns (bucket 0)
// count as 1 ns. No bins for no buckets.
Distribution BinLatency(const std::vector<sp::reporters::HdrBucket>& buckets,
                        size_t max_bins = kMaxDistributionBins);

// A percentile drawn as a vertical line: "p95" at 40.2 ms.
struct DistributionMark {
  std::string key;  // "p50", "p95", "p99": its colour (class s-<key>)
  double ms = 0;
};

// A <figure> with the chart (<svg class="chart" id="chart-distribution">) and its legend.
std::string RenderDistribution(const Distribution& d, const std::vector<DistributionMark>& marks);

// What the page's script shows on hover: "x", each bar's centre in the viewBox, and "text",
// its read-out ("12.6–14.1 ms: 215 requests, 8.19%").
nlohmann::json DistributionData(const Distribution& d);

}  // namespace sp::html
