// The options a `command` step declares, and their check into a CommandConfig. The host hands
// values back in declaration order, so the enum indexes sp_options.values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "plugins/chaos/command/command_spec.h"
#include "plugins/chaos/command/run_command.h"
#include "plugins/common/option_error.h"
#include "stressplan/plugin.h"

namespace sp::fault_command {

enum Option : size_t { kInject, kRevert, kCheck, kTimeout, kWorkdir, kEnv, kOptionCount };

extern const sp_option_decl kOptionDecls[kOptionCount];

struct CommandConfig {
  Command inject;
  Command revert;
  std::optional<Command> check;  // exit status 0: the fault is still active
  RunSettings settings;          // shared by the three commands
};

using plugin_common::OptionError;

// False with *err naming the option (and the JSON pointer inside it) when a value is refused.
bool ParseOptions(const sp_options* options, CommandConfig* out, OptionError* err);

}  // namespace sp::fault_command
