// The exit codes of the `stressplan` binary, documented in README.md and docs/cli.md. Their own
// header, at the top of core/, so every command (run, validate, recover, plugins) returns them
// without including the orchestrator.
#pragma once

namespace sp {

enum ExitCode : int {
  kExitPassed = 0,        // the run completed and its thresholds and experiments passed
  kExitFailed = 1,        // thresholds or experiments failed
  kExitUsage = 2,         // invalid plan, flag or plugin: nothing ran
  kExitRuntime = 3,       // the run could not start or broke (service, target unreachable, report)
  kExitUntrustworthy = 4, // completed, but the generator could not keep up: results untrustworthy
  kExitInterrupted = 130  // stopped by SIGINT/SIGTERM; reports were still written
};

}  // namespace sp
