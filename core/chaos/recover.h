// `stressplan recover`: reverts what a killed run left behind, from its chaos journal
// (core/chaos/journal.h). Each fault injected and never reverted whose plugin wrote a journal
// record (paused processes, command faults) is handed back to that plugin's recover; proxy
// faults have no record: they died with the run's process.
#pragma once

#include <string>
#include <vector>

namespace sp::chaos {

struct RecoverOptions {
  std::string journal;                    // path to chaos-journal.jsonl
  std::vector<std::string> plugin_paths;  // --plugin-path
  bool force = false;                     // also when the run that wrote it is still alive
};

// Plugins are loaded by name from the search path only (Loader::LoadByName), never from the
// file the journal names. Returns an exit code: 0 when nothing is left (or everything was
// recovered), 3 when some record could not be recovered, 2 for a missing or unreadable
// journal, a run still alive, or a plugin not on the path (then nothing is recovered).
int Recover(const RecoverOptions& options);

}  // namespace sp::chaos
