// One `process` step: pause, kill or restart a plan service through the host's service table.
// The service is the leader of its own process group (core/services/child_process.h), so every
// signal goes to the whole group: a shell wrapper and the server it started are hit alike.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "plugins/chaos/process/options.h"
#include "stressplan/plugin.h"

namespace sp::fault_process {

class ProcessFault {
 public:
  // Nullptr with *err (naming the option, when one is at fault) when the host lacks the 1.1
  // service functions or the service is not running.
  static std::unique_ptr<ProcessFault> Create(const sp_host_api* host, void* host_ctx,
                                              const ProcessConfig& config, OptionError* err);
  // The same for the config `options` describe; also nullptr when an option is refused.
  static std::unique_ptr<ProcessFault> FromOptions(const sp_host_api* host, void* host_ctx,
                                                   const sp_options* options, OptionError* err);
  // FromOptions's option checks alone, nothing created (check_options, ABI 1.2), and, when
  // the host answers service_declared (ABI 1.3), that the plan declares the service: a typo
  // in `service:` is refused by validate rather than when the step starts.
  static bool CheckOptions(const sp_host_api* host, void* host_ctx, const sp_options* options,
                           OptionError* err);

  bool Inject(std::string* err);
  bool Revert(sp_error* err);  // fills err itself: a failed restart passes the host's through
  bool IsActive() const;
  // The journal record (see journal.h) into buf; 0 for kill and restart. See
  // plugins/common/fault_edge.h for what a too small buffer gives.
  size_t JournalRecord(char* buf, size_t cap) const;

 private:
  ProcessFault(const sp_host_api* host, void* host_ctx, ProcessConfig config)
      : host_(host), host_ctx_(host_ctx), config_(std::move(config)) {}

  // The service's current leader: its pid (== pgid) and start time. False with *err when
  // it is not running or not a process group leader.
  bool FindLeader(pid_t* pid, uint64_t* start_time, std::string* err) const;
  void Log(sp_log_level level, const std::string& message) const;

  const sp_host_api* host_;
  void* host_ctx_;
  ProcessConfig config_;
  pid_t pgid_ = -1;          // the group inject signalled (the leader's pid)
  bool signalled_ = false;   // inject sent its signal: there is something to revert
  bool restarted_ = false;   // restart: revert brought the service back
};

// True when `host` is large enough to carry service_pid and service_restart, and both are set.
bool HostHasServiceApi(const sp_host_api* host);
// True when `host` is large enough to carry service_declared (ABI 1.3), and it is set.
bool HostAnswersServiceDeclared(const sp_host_api* host);

}  // namespace sp::fault_process
