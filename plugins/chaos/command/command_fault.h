// One `command` step: the user's inject command at the step's start, the revert command at its
// end, and the optional check command to verify that the fault is gone.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "plugins/chaos/command/options.h"
#include "stressplan/plugin.h"

namespace sp::fault_command {

class CommandFault {
 public:
  CommandFault(const sp_host_api* host, void* host_ctx, CommandConfig config)
      : host_(host), host_ctx_(host_ctx), config_(std::move(config)) {}
  // The fault `options` describe; nullptr with *err naming the option when one is refused.
  static std::unique_ptr<CommandFault> FromOptions(const sp_host_api* host, void* host_ctx,
                                                   const sp_options* options, OptionError* err);
  // FromOptions's option checks alone, nothing created (check_options, ABI 1.2).
  static bool CheckOptions(const sp_options* options, OptionError* err);

  bool Inject(std::string* err);
  // Runs the revert command once inject was attempted (it may have done half its work), and
  // not again after it succeeded.
  bool Revert(std::string* err);
  bool IsActive() const;
  size_t JournalRecord(char* buf, size_t cap) const;

 private:
  bool Run(const char* what, const Command& command, std::string* err) const;

  const sp_host_api* host_;
  void* host_ctx_;
  CommandConfig config_;
  bool attempted_ = false;  // inject ran (successfully or not)
  bool injected_ = false;   // inject succeeded and no revert succeeded since
};

// "<what> command exited with status 3: <the end of its output>", cut to fit an sp_error
// message (the end of the output is what explains a failure). Exposed for recover.
std::string FailureMessage(const char* what, const RunResult& result,
                           std::chrono::nanoseconds timeout);

}  // namespace sp::fault_command
