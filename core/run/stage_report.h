// Planned versus achieved, per stage: what the profile asked for, what the generator managed,
// how busy the load threads were, and whether the result can be trusted. Fed once a second by
// the orchestrator; evaluated at the end of the run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/run/schedule.h"

namespace sp::run {

// Thresholds of "could not keep up", documented in docs/reports.md.
constexpr double kRateMissTolerance = 0.05;  // open model: achieved start rate 5% below plan
constexpr double kCpuSaturated = 0.95;       // a load thread busy 95% of a stage
// ... and any request of a stage failed with SP_E_LOCAL_LIMIT (the generator's own limits).

struct StageResult {
  size_t index = 0;
  bool open = false;
  double started_s = 0;    // since the run's start
  double duration_s = 0;   // as run (a stage with iterations may end early)
  // Closed model.
  int planned_users = 0;
  int users_min = 0;       // active users seen in the stage's snapshots (after its first second)
  int users_max = 0;
  // Open model.
  double planned_rate = 0;      // average iterations per second the schedule asked for
  double achieved_rate = 0;     // iterations started per second
  uint64_t dropped = 0;
  // Both.
  uint64_t planned_iterations = 0;  // open: arrivals planned; closed: the `iterations` limit (0: none)
  metrics::StageStats stats;
  double cpu_busy_avg = 0;  // the load threads' average busy share over the stage (0..1)
  double cpu_busy_max = 0;  // the busiest second of the busiest load thread
  std::vector<std::string> problems;  // why it is untrustworthy; empty: trustworthy
};

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
