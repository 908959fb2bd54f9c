// What the HTML reporter keeps of a run while it streams by: the run_start and summary
// documents whole, of each event a row (at most kMaxEvents), and of each snapshot only the few
// numbers the page shows — at most kMaxSamples of them: when they would be more, neighbours are
// merged pairwise (Downsample), so memory stays bounded (~0.8 MB) however long the run.
#pragma once

#include <cstddef>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "plugins/reporters/common/document_fields.h"

namespace sp::html {

using nlohmann::json;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One snapshot: the interval (t - interval, t] of the run and what completed in it.
struct Sample {
  double t = 0;         // elapsed_s at the end of the interval
  double interval = 1;  // seconds covered (the last snapshot covers a part-second and the drain)
  double requests = 0;
  double errors = 0;
  double p50 = kNaN, p95 = kNaN, p99 = kNaN;  // latency ms; NaN when nothing completed
  double users_active = kNaN;
  double users_planned = kNaN;
  double planned_rate = kNaN;  // open stages only
};

struct EventRow {
  double t = 0;
  std::string source;
  std::string name;
  double value = 0;
};

struct RunData {
  json run_start;  // null until it arrives
  json summary;    // null if the run ended without one
  std::vector<Sample> samples;
  std::vector<EventRow> events;
  size_t events_not_kept = 0;  // beyond kMaxEvents

  static constexpr size_t kMaxEvents = 10000;
  // 2 h 40 min of one-second samples; four times the points a chart draws (html_page.cc).
  static constexpr size_t kMaxSamples = 9600;

  void AddSnapshot(const json& snapshot);
  void AddEvent(const json& event);

  // The plan block: from run_start, else from the summary.
  const json& plan() const;
};

// Fields of a document, read defensively (common/document_fields.h).
using sp::reporters::Bool;
using sp::reporters::Field;
using sp::reporters::Number;
using sp::reporters::NumberOr;
using sp::reporters::Text;

// `samples` reduced to at most `max_points` by merging runs of consecutive samples: counts are
// summed over the merged interval, latency percentiles and users take the bucket's maximum
// (the worst second stays visible). Returned unchanged when already short enough.
std::vector<Sample> Downsample(const std::vector<Sample>& samples, size_t max_points);

}  // namespace sp::html
