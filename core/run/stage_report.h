// Planned versus achieved, per stage: what the profile asked for, what the generator managed,
// how busy the load threads were, and whether the result can be trusted. One tracker per
// workload (its StageClock); fed once a second by the orchestrator; evaluated at the end.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/report/results.h"
#include "core/run/schedule.h"

namespace sp::run {

// Thresholds of "could not keep up", documented in docs/reports.md.
constexpr double kRateMissTolerance = 0.05;  // open model: achieved start rate 5% below plan
constexpr double kCpuSaturated = 0.95;       // a load thread busy 95% of a stage
// ... and any request of a stage failed with SP_E_LOCAL_LIMIT (the generator's own limits).

using report::StageResult;

class StageTracker {
 public:
  // `workload`: its name ("" for a `stages:` profile); its stage k is the run's stage
  // first_stage + k (StageResult::index, the Recorder's stage table).
  explicit StageTracker(const StageClock& clock, size_t first_stage = 0, std::string workload = "")
      : clock_(clock), first_stage_(first_stage), workload_(std::move(workload)),
        samples_(clock.count()) {}

  // One second of the run: the workload's stage it fell in, the users planned and active at
  // its end (closed) and each load thread's busy share over it.
  void Sample(size_t stage, double second_in_stage, int planned_users, int active_users,
              const std::vector<double>& thread_busy);

  // The stages that ran (none when the workload was to start after the run ended).
  std::vector<StageResult> Evaluate(const metrics::Recorder& total, uint64_t t0_ns,
                                    uint64_t end_ns) const;

 private:
  struct Samples {
    int users_min = INT32_MAX;
    int users_max = 0;
    bool users_short = false;
    int short_planned = 0;
    int short_active = 0;
    double busy_sum = 0;
    double busy_max = 0;
    int seconds = 0;
  };
  std::string Label(size_t stage) const;  // "stage 2", "workload api stage 0"

  const StageClock& clock_;
  const size_t first_stage_;
  const std::string workload_;
  std::vector<Samples> samples_;
};

}  // namespace sp::run
