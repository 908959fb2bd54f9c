// What `stressplan compare` reads of a run's report.json (docs/reports.md): the report itself,
// whether two of them describe the same plan and profile, and one metric of one scope as a
// value — with, for latency percentiles and rates, what says how precisely the run knows it
// (its histogram, its request count).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/compare/rule.h"
#include "core/metrics/histogram.h"

namespace sp::compare {

struct LoadedReport {
  std::string path;  // the report.json read
  nlohmann::json doc;
};

// Reads `path`: a report.json, or a report folder holding one. false with *err naming the file
// and what is wrong (missing, not JSON, not a stressplan report, no summary).
bool LoadReport(const std::string& path, LoadedReport* out, std::string* err);

// Two reports are comparable when they come from the same plan (its name) and profile, with
// the same report schema. false with *why, naming both values.
bool Comparable(const LoadedReport& baseline, const LoadedReport& current, std::string* why);

struct Reading {
  bool present = false;  // the report has this metric for this scope
  // Seconds for latency, service time and recovery time (infinity: never recovered), a
  // fraction for rates, requests per second, or a count.
  double value = 0;
  uint64_t requests = 0;  // the requests a rate or a percentile is drawn from
  // Latency percentiles: the scope's histogram when the report carries one.
  std::optional<metrics::Histogram> histogram;
};

// The rule's metric for the rule's scope (only metric, stat and scope are read).
Reading Read(const LoadedReport& report, const Rule& rule);

}  // namespace sp::compare
