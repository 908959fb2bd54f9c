// `stressplan merge --report OUT DIR...`: the reports of the segments of one run (issue 12)
// read, checked, merged (merged_run.h) and written by the plan's own reporters into OUT, the
// reporter plugins loaded and fed exactly as `run` does (core/run/plugin_setup.h, the bus).
#pragma once

#include <string>
#include <vector>

namespace sp::merge {

struct MergeOptions {
  std::string out_dir;                    // --report OUT
  std::vector<std::string> inputs;        // report folders or report.json files
  std::vector<std::string> plugin_paths;  // --plugin-path
};

// Returns the exit code (core/exit_codes.h): 2 when the inputs are refused (each message on
// stderr names the files), 3 when OUT or a reporter fails, else the merged run's verdict by
// run's table.
int MergeReports(const MergeOptions& options);

}  // namespace sp::merge
