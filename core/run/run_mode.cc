#include "core/run/run_mode.h"

#include <algorithm>
#include <cstdio>

#include "core/plan/profiles.h"
#include "core/plan/threshold.h"

namespace sp::run {

bool ApplyMode(plan::RunMode mode, plan::Plan* plan, plan::Diagnostics* errors) {
  // Thresholds this run cannot judge stay in the plan, skipped with the reason, so every
  // report still lists them (never silently dropped).
  auto skip_thresholds = [&](bool run_end, const std::string& reason) {
    for (plan::Threshold& t : plan->thresholds) {
      if (plan::IsRunEndMetric(t.metric) == run_end && t.skip_reason.empty()) t.skip_reason = reason;
    }
  };
  // recovery_time needs a fault to recover from; circuit.* still means something (no trips).
  auto skip_recovery_time = [&](const std::string& reason) {
    for (plan::Threshold& t : plan->thresholds) {
      if (t.metric == "recovery_time" && t.skip_reason.empty()) t.skip_reason = reason;
    }
  };
  if (mode == plan::RunMode::kLoad) {
    plan->chaos.steps.clear();
    skip_recovery_time("--mode load runs no chaos steps: there is no fault to recover from");
    return true;
  }
  if (plan->chaos.steps.empty()) {
    if (mode == plan::RunMode::kChaos) {
      return plan::AddError(errors, plan->chaos.loc.line ? plan->chaos.loc : plan::Location{plan->file, 0, 0}, "chaos.steps",
                            "--mode chaos: the plan has no chaos steps to run; add chaos: steps: or use --mode load");
    }
    skip_recovery_time("the plan has no chaos steps: there is no fault to recover from");
    return true;
  }
  if (mode == plan::RunMode::kFull) {
    // A step past the profile's end is skipped (reported as such), not an error: a quick
    // `--duration 10s` of a chaos plan still runs its load.
    const plan::Duration total = plan::TotalDuration(plan->profiles.at(plan->profile));
    bool any_runs = false;
    for (const plan::ChaosStep& s : plan->chaos.steps) {
      any_runs = any_runs || s.at < total;
      if (s.at >= total) {
        std::fprintf(stderr,
                     "stressplan: chaos step \"%s\" (%s) starts at %gs, after the end of the load (%gs): it is "
                     "skipped\n",
                     s.name.c_str(), s.loc.str().c_str(), static_cast<double>(s.at.count()) / 1e9,
                     static_cast<double>(total.count()) / 1e9);
      }
    }
    if (!any_runs) {
      char reason[160];
      std::snprintf(reason, sizeof reason,
                    "every chaos step starts after the end of the load (%gs): there is no fault to recover from",
                    static_cast<double>(total.count()) / 1e9);
      skip_recovery_time(reason);
    }
    return true;
  }

  // chaos: one open stage of probe traffic covering every step and its recovery.
  plan::Duration end{0};
  for (const plan::ChaosStep& s : plan->chaos.steps) end = std::max(end, s.at + s.duration);
  plan::Stage probe;
  // Long enough to see the last fault out: its revert (verified, up to 5 s after its planned
  // end), a recovery starting as late as the deadline, and the good windows confirming it.
  probe.duration = end + plan->chaos.recovery.deadline + std::chrono::seconds(plan->chaos.recovery.windows + 6);
  probe.rate = plan->chaos.probe_rate;
  probe.max_concurrency = 100;
  probe.loc = plan->chaos.loc;
  plan::Profile profile;
  profile.name = "chaos-probe";
  profile.description = "light probe traffic for --mode chaos";
  profile.stages = {probe};
  profile.loc = plan->chaos.loc;
  plan->profiles[profile.name] = profile;
  plan->profile = profile.name;
  skip_thresholds(/*run_end=*/false, "--mode chaos sends only light probe traffic: the load's thresholds are judged in --mode full or load");
  return true;
}

}  // namespace sp::run
