// --mode (docs/cli.md): the same plan run three ways. The plan loader needs it (only `full` puts
// the chaos steps on the profile's timeline), the run applies it (core/run/run_mode.h), the
// reports name it.
#pragma once

#include <string_view>

namespace sp::plan {

enum class RunMode { kFull, kLoad, kChaos };
constexpr RunMode kRunModes[] = {RunMode::kFull, RunMode::kLoad, RunMode::kChaos};
// Its text on the command line and in the reports: the only place it is spelled.
constexpr const char* RunModeName(RunMode m) {
  switch (m) {
    case RunMode::kFull: return "full";
    case RunMode::kLoad: return "load";
    case RunMode::kChaos: return "chaos";
  }
  return "full";
}
// False when `text` names no mode.
inline bool ParseRunMode(std::string_view text, RunMode* out) {
  for (RunMode m : kRunModes) {
    if (text == RunModeName(m)) return *out = m, true;
  }
  return false;
}

}  // namespace sp::plan
