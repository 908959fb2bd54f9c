// Evaluating the plan's thresholds against what the run recorded: once a second (for windows
// and abort_on_fail) and at the end. A threshold over a window must hold over every full
// window of the run; one without must hold over the whole run.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/plan/plan.h"
#include "core/run/load_model.h"

namespace sp::run {

struct ThresholdResult {
  const plan::Threshold* threshold = nullptr;
  bool evaluated = false;  // there was data to judge (a latency needs at least one request)
  bool passed = true;
  double observed = 0;  // in the metric's unit; for windows, the first failing (or last) window
  std::string observed_text;  // "123.4ms", "0.52%", "12", "850.3/s"
  double failed_at_s = -1;    // elapsed seconds when it first failed (windows, abort_on_fail)
  // Not judged in this run (threshold->skip_reason says why): passed stays true, so a
  // skipped threshold never changes the exit code.
  bool skipped = false;
  // A threshold that stopped the run (abort_on_fail): `observed` is the value when it
  // stopped it; this is the same metric over the whole run, for the summary.
  bool have_run_value = false;
  double run_observed = 0;
};

class ThresholdEvaluator {
 public:
  // `names`: interned event/check names by id (may grow during the run; pass the current one).
  ThresholdEvaluator(const std::vector<plan::Threshold>& thresholds, const LoadModel& model);

  // One second of the run: `interval` is that second's data, `total` everything so far.
  // Returns the first abort_on_fail threshold that fails now, or nullptr.
  const plan::Threshold* OnSecond(const metrics::Recorder& interval, const metrics::Recorder& total,
                                  double elapsed_s, const std::vector<std::string>& names,
                                  const std::map<std::string, uint64_t>& emitted_events);

  // Values of the metrics only known at the end (recovery_time and circuit.*, in the
  // metric's unit: ms for times, +inf for an unrecovered fault); a metric left out has no
  // data. Set before Final.
  void SetRunEndValues(std::map<std::string, double> values) { run_end_values_ = std::move(values); }

  // The verdicts at the end of the run.
  std::vector<ThresholdResult> Final(const metrics::Recorder& total, double duration_s,
                                     const std::vector<std::string>& names,
                                     const std::map<std::string, uint64_t>& emitted_events);

 private:
  struct State {
    ThresholdResult result;
    int step = -1;  // request scope: index into the request table; -1 = whole run
  };
  bool Observe(const State& s, const metrics::Recorder& r, double seconds,
               const std::vector<std::string>& names,
               const std::map<std::string, uint64_t>& emitted, double* out) const;

  std::vector<State> states_;
  std::deque<metrics::Recorder> recent_;  // the last seconds, as long as the longest window
  size_t max_window_s_ = 0;
  std::map<std::string, double> run_end_values_;
};

// "latency.p95 < 500ms" style text of an observed value in the metric's unit.
std::string FormatObserved(const std::string& metric, double value);

}  // namespace sp::run
