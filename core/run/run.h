// The orchestrator: one run of a validated plan, from starting services to the last report.
// It owns time (the schedule, the once-a-second snapshots, the end), steers the load threads,
// and guarantees the order of shutdown: load drained -> summary -> reports -> services stopped,
// also on Ctrl-C/SIGTERM.
#pragma once

#include <string>
#include <vector>

#include "core/plan/plan.h"
#include "core/report/results.h"

namespace sp::run {

struct RunOptions {
  plan::RunMode mode = plan::RunMode::kFull;
  std::string report_dir = ".";            // where reporters' relative paths go
  bool quiet = false;                      // no console summary
  std::vector<std::string> plugin_paths;   // --plugin-path
  std::string version;                     // stressplan's version, for reports
};

// Returns an exit code (core/exit_codes.h).
int RunPlan(const plan::Plan& plan, const RunOptions& options);

// Loads the plugins the plan names and checks their options (and lets the target compile its
// requests); prints located errors. Returns kExitPassed or kExitUsage (core/exit_codes.h).
int ValidatePlugins(const plan::Plan& plan, const std::vector<std::string>& plugin_paths);

}  // namespace sp::run
