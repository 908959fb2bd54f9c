// The journal record of a command step: everything `stressplan recover` needs to run the revert
// command in a new process, after the run that injected the fault was killed.
//   {"fault":"command","revert":<argv list or string>,"workdir":"/abs","env":{...},
//    "timeout_ns":N}
#pragma once

#include <string>

#include "plugins/chaos/command/command_spec.h"
#include "plugins/chaos/command/run_command.h"

namespace sp::fault_command {

std::string FormatRecord(const Command& revert, const RunSettings& settings);

// False with *err saying what is wrong with the text.
bool ParseRecord(const char* text, Command* revert, RunSettings* settings, std::string* err);

}  // namespace sp::fault_command
