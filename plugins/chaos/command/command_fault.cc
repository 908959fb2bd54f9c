#include "plugins/chaos/command/command_fault.h"

#include <sys/wait.h>

#include <cstring>

#include "plugins/chaos/command/journal.h"
#include "plugins/common/host_log.h"

namespace sp::fault_command {
namespace {

using plugin_common::HostLog;

// sp_error::message holds 512 bytes including the NUL.
constexpr size_t kMessageCap = sizeof(sp_error{}.message) - 1;

std::string TrimmedOutput(std::string text) {
  const size_t end = text.find_last_not_of(" \t\r\n");
  text.erase(end == std::string::npos ? 0 : end + 1);
  const size_t begin = text.find_first_not_of(" \t\r\n");
  return begin == std::string::npos ? std::string() : text.substr(begin);
}

}  // namespace

bool CommandFault::CheckOptions(const sp_options* options, OptionError* err) {
  CommandConfig config;
  return ParseOptions(options, &config, err);
}

std::unique_ptr<CommandFault> CommandFault::FromOptions(const sp_host_api* host, void* host_ctx,
                                                       const sp_options* options,
                                                       OptionError* err) {
  CommandConfig config;
  if (!ParseOptions(options, &config, err)) return nullptr;
  return std::make_unique<CommandFault>(host, host_ctx, std::move(config));
}

std::string FailureMessage(const char* what, const RunResult& result,
                           std::chrono::nanoseconds timeout) {
  const std::string head = std::string(what) + " command " + result.Describe(timeout);
  const std::string output = TrimmedOutput(result.output_tail);
  if (!result.started) return head;
  if (output.empty()) return head + " (no output)";
  const std::string ellipsis = "...";
  if (head.size() + 2 + output.size() <= kMessageCap) return head + ": " + output;
  if (head.size() + 2 + ellipsis.size() >= kMessageCap) return head;
  size_t from = output.size() - (kMessageCap - head.size() - 2 - ellipsis.size());
  // Start on a UTF-8 character, not inside one.
  while (from < output.size() && (static_cast<unsigned char>(output[from]) & 0xC0) == 0x80) ++from;
  return head + ": " + ellipsis + output.substr(from);
}

bool CommandFault::Run(const char* what, const Command& command, std::string* err) const {
  const RunResult result = RunCommand(command, config_.settings);
  if (result.succeeded()) return true;
  *err = FailureMessage(what, result, config_.settings.timeout);
  // The message may have been cut; the log keeps the whole tail.
  if (!result.output_tail.empty()) {
    HostLog(host_, host_ctx_, SP_LOG_WARN,
            std::string("command fault: ") + what + " command output (last " +
                std::to_string(result.output_tail.size()) + " bytes):\n" + result.output_tail);
  }
  return false;
}

bool CommandFault::Inject(std::string* err) {
  attempted_ = true;
  if (!Run("inject", config_.inject, err)) return false;
  injected_ = true;
  return true;
}

bool CommandFault::Revert(std::string* err) {
  if (!attempted_) return true;  // inject never ran: nothing to take back
  if (!Run("revert", config_.revert, err)) return false;
  attempted_ = false;  // a second revert (error path after the step's end) does not run again
  injected_ = false;
  return true;
}

bool CommandFault::IsActive() const {
  if (!config_.check) return injected_;
  const RunResult result = RunCommand(*config_.check, config_.settings);
  if (result.succeeded()) return true;
  if (result.started && !result.timed_out && result.wait_status >= 0 && WIFEXITED(result.wait_status)) {
    return false;  // the check ran and said "not active"
  }
  // A check that could not answer proves nothing: report the fault as still active, and why.
  HostLog(host_, host_ctx_, SP_LOG_WARN,
          "command fault: " + FailureMessage("check", result, config_.settings.timeout) +
              "; counting the fault as still active");
  return true;
}

size_t CommandFault::JournalRecord(char* buf, size_t cap) const {
  const std::string record = FormatRecord(config_.revert, config_.settings);
  if (cap > 0 && record.size() < cap) {
    std::memcpy(buf, record.c_str(), record.size() + 1);
  } else if (cap > 0) {
    buf[0] = '\0';
  }
  return record.size();
}

}  // namespace sp::fault_command
