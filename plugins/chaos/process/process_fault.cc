#include "plugins/chaos/process/process_fault.h"

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "plugins/chaos/process/journal.h"
#include "plugins/chaos/process/proc_stat.h"
#include "plugins/common/host_log.h"
#include "plugins/common/sp_error.h"

namespace sp::fault_process {
namespace {

using Clock = std::chrono::steady_clock;

// How long inject and revert wait for the kernel to carry a signal out. Fault calls must
// return within a few seconds (fault.h); SIGKILL and SIGSTOP take effect in microseconds
// unless a process is stuck in the kernel.
constexpr std::chrono::seconds kSignalWait{2};

// Polls `done` every 5 ms until it holds or kSignalWait has passed.
template <class Pred>
bool WaitUntil(Pred done) {
  const Clock::time_point deadline = Clock::now() + kSignalWait;
  for (;;) {
    if (done()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

using plugin_common::CopyText;

}  // namespace

bool HostHasServiceApi(const sp_host_api* host) {
  return host != nullptr &&
         host->struct_size >=
             offsetof(sp_host_api, service_restart) + sizeof host->service_restart &&
         host->service_pid != nullptr && host->service_restart != nullptr;
}

std::unique_ptr<ProcessFault> ProcessFault::Create(const sp_host_api* host, void* host_ctx,
                                                   const ProcessConfig& config,
                                                   OptionError* err) {
  if (!HostHasServiceApi(host)) {
    *err = {"process fault: this stressplan does not offer service_pid/service_restart "
            "(plugin ABI 1.1); upgrade stressplan to use the process fault",
            "", ""};
    return nullptr;
  }
  if (host->service_pid(host_ctx, config.service.c_str()) < 0) {
    *err = {"process fault: service '" + config.service +
                "' is not running (is it in the plan's services:?)",
            "service", ""};
    return nullptr;
  }
  return std::unique_ptr<ProcessFault>(new ProcessFault(host, host_ctx, config));
}

bool HostAnswersServiceDeclared(const sp_host_api* host) {
  return host != nullptr &&
         host->struct_size >=
             offsetof(sp_host_api, service_declared) + sizeof host->service_declared &&
         host->service_declared != nullptr;
}

bool ProcessFault::CheckOptions(const sp_host_api* host, void* host_ctx, const sp_options* options,
                                OptionError* err) {
  ProcessConfig config;
  if (!ParseOptions(options, &config, err)) return false;
  // A host before 1.3 cannot say; Create still refuses a service that is not running.
  if (!HostAnswersServiceDeclared(host)) return true;
  if (host->service_declared(host_ctx, config.service.c_str()) != 0) return true;
  *err = {"process fault: the plan declares no service '" + config.service +
              "' (`service` must name an entry of `services:`)",
          "service", ""};
  return false;
}

std::unique_ptr<ProcessFault> ProcessFault::FromOptions(const sp_host_api* host, void* host_ctx,
                                                       const sp_options* options,
                                                       OptionError* err) {
  ProcessConfig config;
  if (!ParseOptions(options, &config, err)) return nullptr;
  return Create(host, host_ctx, config, err);
}

void ProcessFault::Log(sp_log_level level, const std::string& message) const {
  plugin_common::HostLog(host_, host_ctx_, level, message);
}

bool ProcessFault::FindLeader(pid_t* pid, uint64_t* start_time, std::string* err) const {
  const int64_t found = host_->service_pid(host_ctx_, config_.service.c_str());
  const std::optional<ProcStat> st = found > 0 ? ReadProcStat(static_cast<pid_t>(found))
                                               : std::nullopt;
  if (!st || st->state == 'Z' || st->state == 'X') {
    *err = "process fault: service '" + config_.service + "' is not running";
    return false;
  }
  // Signalling -pgid of a process that is not its group's leader would hit another group.
  if (st->pgrp != found) {
    *err = "process fault: service '" + config_.service + "' (pid " + std::to_string(found) +
           ") is not the leader of its process group (" + std::to_string(st->pgrp) + ")";
    return false;
  }
  *pid = static_cast<pid_t>(found);
  *start_time = st->start_time;
  return true;
}

bool ProcessFault::Inject(std::string* err) {
  pid_t pid = -1;
  uint64_t start_time = 0;
  if (!FindLeader(&pid, &start_time, err)) return false;
  const std::string who = "service '" + config_.service + "' (process group " +
                          std::to_string(pid) + ")";
  const int sig = config_.action == Action::kPause ? SIGSTOP : config_.signal;
  pgid_ = pid;
  if (kill(-pid, sig) != 0) {
    // ESRCH: the group ended between the lookup and the signal.
    if (errno == ESRCH && config_.action != Action::kPause) {
      signalled_ = true;
      return true;
    }
    *err = "process fault: cannot send " + std::string(sigabbrev_np(sig)) + " to " + who +
           ": " + std::strerror(errno);
    return false;
  }
  signalled_ = true;
  Log(SP_LOG_INFO, "process fault: sent SIG" + std::string(sigabbrev_np(sig)) + " to " + who);

  if (config_.action == Action::kPause) {
    // Stopping is asynchronous: wait until every member is in state T, so that the step's
    // window starts with the service really frozen.
    GroupState g;
    if (WaitUntil([&] {
          g = ReadGroupState(pid);
          return g.live > 0 && g.stopped == g.live;
        })) {
      return true;
    }
    *err = "process fault: " + who + " did not stop within 2 s (" + std::to_string(g.stopped) +
           " of " + std::to_string(g.live) + " processes stopped)";
    return false;
  }
  // kill and restart: the service is down once no process of its group is left (its leader
  // may linger as a zombie until the host reaps it; that counts as gone).
  if (WaitUntil([&] { return ReadGroupState(pid).live == 0; })) return true;
  *err = "process fault: " + who + " is still running 2 s after SIG" +
         sigabbrev_np(config_.signal) +
         (config_.signal == SIGKILL ? std::string(" (a process stuck in the kernel?)")
                                    : std::string("; use signal: SIGKILL"));
  return false;
}

bool ProcessFault::Revert(sp_error* err) {
  if (!signalled_) return true;  // inject never reached the service: nothing to undo
  switch (config_.action) {
    case Action::kKill:
      return true;  // by design the service stays down; `restart` is the one that comes back
    case Action::kPause: {
      if (kill(-pgid_, SIGCONT) != 0 && errno != ESRCH) {
        CopyText(err->message, "process fault: cannot send SIGCONT to process group " +
                                   std::to_string(pgid_) + ": " + std::strerror(errno));
        return false;
      }
      if (WaitUntil([&] { return ReadGroupState(pgid_).stopped == 0; })) return true;
      CopyText(err->message, "process fault: service '" + config_.service +
                                 "' is still stopped 2 s after SIGCONT");
      return false;
    }
    case Action::kRestart: {
      if (restarted_) return true;
      // Inject may have failed with the group still alive (SIGTERM ignored): the old
      // processes must go, or the new ones could not take their port.
      if (ReadGroupState(pgid_).live > 0) {
        kill(-pgid_, SIGKILL);
        if (!WaitUntil([&] { return ReadGroupState(pgid_).live == 0; })) {
          CopyText(err->message, "process fault: service '" + config_.service +
                                     "' (process group " + std::to_string(pgid_) +
                                     ") survived SIGKILL for 2 s; cannot restart it");
          return false;
        }
      }
      if (host_->service_restart(host_ctx_, config_.service.c_str(), err) != SP_OK) {
        if (err->message[0] == '\0') {
          CopyText(err->message,
                   "process fault: the host could not restart service '" + config_.service + "'");
        }
        return false;
      }
      restarted_ = true;
      Log(SP_LOG_INFO, "process fault: service '" + config_.service + "' restarted");
      return true;
    }
  }
  return true;
}

bool ProcessFault::IsActive() const {
  switch (config_.action) {
    case Action::kPause:
      return signalled_ && ReadGroupState(pgid_).stopped > 0;
    case Action::kKill:
      return false;
    case Action::kRestart:
      return signalled_ && !restarted_;
  }
  return false;
}

size_t ProcessFault::JournalRecord(char* buf, size_t cap) const {
  if (config_.action != Action::kPause) return 0;
  pid_t pid = -1;
  uint64_t start_time = 0;
  std::string ignored;
  // Not running: inject will fail and there will be nothing to undo.
  if (!FindLeader(&pid, &start_time, &ignored)) return 0;
  const std::string record = FormatPauseRecord({config_.service, pid, pid, start_time});
  if (cap == 0) return record.size();
  if (record.size() >= cap) {
    buf[0] = '\0';
    return record.size();
  }
  std::memcpy(buf, record.c_str(), record.size() + 1);
  return record.size();
}

}  // namespace sp::fault_process
