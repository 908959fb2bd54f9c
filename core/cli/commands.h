// The subcommands of the stressplan binary. Each takes its arguments after the command name
// and returns the process exit code (core/run/run.h lists them).
#pragma once

#include <string>
#include <vector>

namespace sp::cli {

int RunCommand(const std::vector<std::string>& args);
int ValidateCommand(const std::vector<std::string>& args);
int PluginsCommand(const std::vector<std::string>& args);
int RecoverCommand(const std::vector<std::string>& args);
int CompareCommand(const std::vector<std::string>& args);  // compare_command.cc
int MergeCommand(const std::vector<std::string>& args);
int VersionCommand(const std::vector<std::string>& args);

const char* Version();

}  // namespace sp::cli
