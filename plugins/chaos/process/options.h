// The options a `process` step declares, and their check into a ProcessConfig. The host
// hands values back in declaration order, so the enum indexes sp_options.values.
#pragma once

#include <cstddef>
#include <string>

#include "plugins/common/option_error.h"
#include "stressplan/plugin.h"

namespace sp::fault_process {

enum Option : size_t { kService, kAction, kSignal, kOptionCount };

extern const sp_option_decl kOptionDecls[kOptionCount];

enum class Action { kPause, kKill, kRestart };

struct ProcessConfig {
  std::string service;
  Action action = Action::kPause;
  int signal = 0;  // SIGKILL or SIGTERM; what kill and restart send
};

using plugin_common::OptionError;

// False with *err naming the option when a value is missing or refused.
bool ParseOptions(const sp_options* options, ProcessConfig* out, OptionError* err);

// "pause", "kill", "restart".
const char* ActionName(Action action);

}  // namespace sp::fault_process
