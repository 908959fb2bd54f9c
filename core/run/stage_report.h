// Planned versus achieved, per stage: what the profile asked for, what the generator managed,
// how busy the load threads were, and whether the result can be trusted. Fed once a second by
// the orchestrator; evaluated at the end of the run.
#pragma once

#include <cstdint>
#include <string>
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
  explicit StageTracker(const StageClock& clock) : clock_(clock), samples_(clock.count()) {}

  // One second of the run: the stage it fell in, the users planned and active at its end (closed)
  // and each load thread's busy share over it.
  void Sample(size_t stage, double second_in_stage, int planned_users, int active_users,
              const std::vector<double>& thread_busy);

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
  const StageClock& clock_;
  std::vector<Samples> samples_;
};

}  // namespace sp::run
