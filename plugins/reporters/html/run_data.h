// What the HTML reporter keeps of a run while it streams by: the run_start and summary
// documents whole, of each event a row (at most kMaxEvents), and of each snapshot only the few
// numbers the page shows — at most kMaxSamples of them: when they would be more, neighbours are
// merged pairwise (Downsample), so memory stays bounded however long the run: ~0.8 MB, plus
// 16 bytes per error kind and 32 per request name that had requests in a sample (at most
// kMaxErrorKinds and kMaxRequestNames of them: under 9 MB with every one busy every second).
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

// A snapshot's errors of one kind (errors_by_type); `kind` indexes RunData::error_kinds.
struct KindCount {
  size_t kind = 0;
  double count = 0;
};

// A snapshot's requests of one request step (requests_by_name; the p95 from the step's latency
// histogram in the snapshot's recorder); `name` indexes RunData::request_names.
struct NameSample {
  size_t name = 0;
  double requests = 0;
  double errors = 0;
  double p95 = kNaN;  // latency ms; NaN when the snapshot's recorder does not have it
};

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
  std::vector<KindCount> errors_by_kind;  // the kinds that had errors, in RunData's order
  std::vector<NameSample> by_name;        // the request names that had requests or errors
};

// A stretch of snapshots in which a chaos step's fault was in (their `chaos` lists): what the
// page shades when the run ended without a summary, whose experiments' windows are exact.
struct ChaosSpan {
  std::string name;
  double start_s = 0;
  double end_s = 0;
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
  // The names Sample::errors_by_kind and Sample::by_name refer to, in the order first seen.
  // Kinds beyond kMaxErrorKinds count as "other"; names beyond kMaxRequestNames are not kept.
  std::vector<std::string> error_kinds;
  std::vector<std::string> request_names;
  bool request_names_not_kept = false;
  std::vector<ChaosSpan> chaos_spans;  // at most kMaxChaosSpans

  static constexpr size_t kMaxEvents = 10000;
  static constexpr size_t kMaxErrorKinds = 24;
  static constexpr size_t kMaxRequestNames = 16;
  static constexpr size_t kMaxChaosSpans = 100;
  // 2 h 40 min of one-second samples; four times the points a chart draws (html_page.cc).
  static constexpr size_t kMaxSamples = 9600;

  void AddSnapshot(const json& snapshot);
  void AddEvent(const json& event);

  // The plan block: from run_start, else from the summary.
  const json& plan() const;

 private:
  void AddErrorKinds(const json& errors_by_type, Sample* s);
  void AddRequestNames(const json& snapshot, Sample* s);
  // The steps in `active` were in during (start_s, end_s].
  void AddChaos(const json& active, double start_s, double end_s);
  // The request step names "scenario/request" in run_start's order: what a recorder's step
  // index refers to. Read from run_start once, when the first snapshot needs it.
  const std::vector<std::string>& StepNames();

  std::vector<std::string> step_names_;
  bool step_names_read_ = false;
};

// Fields of a document, read defensively (common/document_fields.h).
using sp::reporters::Bool;
using sp::reporters::Field;
using sp::reporters::Number;
using sp::reporters::NumberOr;
using sp::reporters::Text;

// `samples` reduced to at most `max_points` by merging runs of consecutive samples: counts
// (also by kind and by name) are summed over the merged interval, latency percentiles (also by
// name) and users take the bucket's maximum (the worst second stays visible). Returned
// unchanged when already short enough.
std::vector<Sample> Downsample(const std::vector<Sample>& samples, size_t max_points);

}  // namespace sp::html
