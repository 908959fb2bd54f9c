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
#include "core/report/results.h"
#include "core/run/load_model.h"

namespace sp::run {

using report::ThresholdResult;

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

  // How long each workload ran (LoadModel::workloads' order): a workload-scoped rps is its
  // requests per second of its own run. Set before Final; left out, the run's duration.
  void SetWorkloadSeconds(std::vector<double> seconds) { workload_seconds_ = std::move(seconds); }

  // The verdicts at the end of the run.
  std::vector<ThresholdResult> Final(const metrics::Recorder& total, double duration_s,
                                     const std::vector<std::string>& names,
                                     const std::map<std::string, uint64_t>& emitted_events);

 private:
  struct State {
    ThresholdResult result;
    int step = -1;  // request scope: index into the request table; -1 = whole run
    const WorkloadModel* workload = nullptr;  // workload scope: its stages; nullptr = all
    size_t workload_index = 0;
  };
  bool Observe(const State& s, const metrics::Recorder& r, double seconds,
               const std::vector<std::string>& names,
               const std::map<std::string, uint64_t>& emitted, double* out) const;

  std::vector<State> states_;
  std::deque<metrics::Recorder> recent_;  // the last seconds, as long as the longest window
  size_t max_window_s_ = 0;
  std::map<std::string, double> run_end_values_;
  std::vector<double> workload_seconds_;
};

// One threshold judged once over `seconds` of recorded load, as a whole-run threshold with
// no window and no abort (a metric probe of the chaos steady state, chaos_metrics.h).
ThresholdResult JudgeOnce(const plan::Threshold& t, const LoadModel& model, const metrics::Recorder& window,
                          double seconds, const std::vector<std::string>& names);

// "latency.p95 < 500ms" style text of an observed value in the metric's unit.
std::string FormatObserved(const std::string& metric, double value);

}  // namespace sp::run
