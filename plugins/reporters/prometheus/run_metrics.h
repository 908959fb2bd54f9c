// The run as Prometheus series: folds the run's documents (run_start, snapshots, summary) into
// cumulative counters, histograms and gauges, and lists them as an Exposition.
//
// Counters add up the snapshots (each covers one second), so Prometheus' rate() works while
// the run goes. The summary then sets every counter and histogram to the run's totals: a
// snapshot the bus dropped, or the events plugins emitted outside snapshots, are in the
// final values, which equal the summary's exactly. Not thread-safe: the reporter calls it
// from the bus thread and publishes what Expose() returns.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plugins/reporters/prometheus/bucket_layout.h"
#include "plugins/reporters/prometheus/metric_families.h"

namespace sp::prometheus_reporter {

// A cumulative histogram in the layout's buckets.
struct BucketCounts {
  std::vector<uint64_t> slots;  // per slot, not cumulative; the last is +Inf
  double sum_s = 0;             // seconds
};

class RunMetrics {
 public:
  // `run_id` "" takes the run_start's started_at.
  RunMetrics(BucketLayout layout, std::string run_id);

  void OnRunStart(const nlohmann::json& d);
  void OnSnapshot(const nlohmann::json& d);
  void OnSummary(const nlohmann::json& d);

  // Every family, also before the first snapshot (then with zero values).
  Exposition Expose() const;

 private:
  struct Counters {
    std::map<std::string, uint64_t> requests_by_name, errors_by_name, errors_by_kind,
        responses_by_status, events;
    uint64_t iterations_started = 0, dropped = 0;
  };
  struct Gauges {
    double users_active = 0, users_planned = 0, rate_planned = 0, rate_achieved = 0, in_flight = 0,
           elapsed_s = 0, finished = 0, circuit_open = 0;
    std::map<std::string, bool> chaos_active;  // every step seen, true while its fault is in
  };

  // Adds the document's counts by name (`replace`: puts them in place of those so far).
  void FoldNamedCounts(const nlohmann::json& d, bool replace);
  // Adds one of a document's recorder histograms (`recorder.latency`, docs/reports.md) to `into`.
  void AddHistogram(const nlohmann::json& h, BucketCounts* into) const;
  void AddRecorderHistograms(const nlohmann::json& d);
  void AddCounterFamilies(Exposition* e) const;
  void AddGaugeFamilies(Exposition* e) const;
  Family HistogramFamily(const char* name, const char* help, const BucketCounts& h) const;

  BucketLayout layout_;
  std::string run_id_;
  std::vector<Label> constant_labels_;
  Counters counters_;
  Gauges gauges_;
  BucketCounts latency_, service_time_;
};

}  // namespace sp::prometheus_reporter
