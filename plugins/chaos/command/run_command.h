// Runs one command to completion, bounded in time, in its own process group, and keeps the end
// of what it printed. No shell unless the command asks for one (Command::shell), no system().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "plugins/chaos/command/command_spec.h"

namespace sp::fault_command {

struct RunSettings {
  std::string workdir;                     // absolute; the command starts there
  std::map<std::string, std::string> env;  // added to (and overriding) the inherited environment
  std::chrono::nanoseconds timeout{0};     // then the whole process group gets SIGKILL
};

// How much of the output (stdout and stderr interleaved) is kept for messages.
inline constexpr size_t kOutputTail = 2048;

struct RunResult {
  bool started = false;    // false: spawn_error says why
  bool timed_out = false;  // killed at the timeout
  int wait_status = -1;    // raw waitpid() status when the command ended on its own
  std::string spawn_error;
  std::string output_tail;  // the last kOutputTail bytes of output

  bool succeeded() const;   // exited with status 0
  // "exited with status 3", "was killed by signal 9 (SIGKILL)", "timed out after 10s and was
  // killed", "could not be started: ...".
  std::string Describe(std::chrono::nanoseconds timeout) const;
};

// stdin is /dev/null; stdout and stderr go to one pipe. Returns when the command's process
// exited (what it left running in the background is not waited for) or at the timeout, after
// SIGKILL to its whole process group.
RunResult RunCommand(const Command& command, const RunSettings& settings);

// "10s", "1.5s", "250ms".
std::string DurationText(std::chrono::nanoseconds d);

}  // namespace sp::fault_command
