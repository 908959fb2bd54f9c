// The orchestrator: one run of a validated plan, from starting services to the last report.
// It owns time (the schedule, the once-a-second snapshots, the end), steers the load threads,
// and guarantees the order of shutdown: load drained -> summary -> reports -> services stopped,
// also on Ctrl-C/SIGTERM.
#pragma once

#include <string>
#include <vector>

#include "core/plan/plan.h"

namespace sp::run {

// Exit codes, documented in README.md and docs/cli.md.
enum ExitCode : int {
  kExitPassed = 0,        // the run completed (and, once thresholds exist, they passed)
  kExitFailed = 1,        // thresholds or experiments failed
  kExitUsage = 2,         // invalid plan, flag or plugin: nothing ran
  kExitRuntime = 3,       // the run could not start or broke (service, target unreachable, report)
  kExitUntrustworthy = 4, // completed, but the generator could not keep up: results untrustworthy
  kExitInterrupted = 130  // stopped by SIGINT/SIGTERM; reports were still written
};

struct RunOptions {
  std::string mode = "full";               // load | chaos | full
  std::string report_dir = ".";            // where reporters' relative paths go
  bool quiet = false;                      // no console summary
  std::vector<std::string> plugin_paths;   // --plugin-path
  std::string version;                     // stressplan's version, for reports
};

int RunPlan(const plan::Plan& plan, const RunOptions& options);

// Loads the plugins the plan names and checks their options (and lets the target compile its
// requests); prints located errors. Returns kExitPassed or kExitUsage.
int ValidatePlugins(const plan::Plan& plan, const std::vector<std::string>& plugin_paths);

}  // namespace sp::run
