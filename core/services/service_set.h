// The plan's `services:`: processes the run starts before the load (each one healthy before
// the next starts) and stops after it, in reverse order.
//
// Each service runs as the leader of its own process group with stdin from /dev/null and
// stdout+stderr in <log_dir>/<name>.log; logs are kept after the run. Errors name the service,
// its plan location, what happened (exit status, health probe result) and quote the end of its
// log.
//
// Not thread-safe: one thread (normally the main thread, see PR_SET_PDEATHSIG in
// child_process.h) starts, watches and stops the set.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/plan/plan.h"
#include "core/services/child_process.h"

namespace sp::services {

// A snapshot of one service of a ServiceSet.
struct ServiceStatus {
  std::string name;
  pid_t pid = -1;  // also its process group id; kept after the process exited
  bool running = false;
  int wait_status = -1;  // raw waitpid() status once !running; -1 when unknown
  std::string log_path;
};

class ServiceSet {
 public:
  // Service logs go to `log_dir` (created when needed); empty: DefaultLogDir().
  explicit ServiceSet(std::string log_dir = "");
  ~ServiceSet();  // StopAll()
  ServiceSet(const ServiceSet&) = delete;
  ServiceSet& operator=(const ServiceSet&) = delete;

  // Starts each service in order, waiting for its health_url (HTTP GET answering 2xx, polled
  // every 75 ms) up to its start_timeout before starting the next; a service without a
  // health_url only has to survive its exec. On any failure: stops everything already started,
  // returns false and *err names the service and its plan location and says why (the exit
  // status and the last 20 lines of its log when it died, the last probe result when it timed
  // out). Fails when services of an earlier Start are still running: StopAll() first.
  bool Start(const std::vector<sp::plan::Service>& services, std::string* err);

  // Stops all services in reverse order: SIGTERM to each one's process group, up to its
  // stop_timeout for the group to exit, then SIGKILL; reaps. Idempotent. Returns one warning
  // for each service that had to be killed (naming it, its stop_timeout and its log): a
  // service that ignores SIGTERM loses what it would have written on the way out.
  std::vector<std::string> StopAll();

  // Starts a service of the set again after it exited (a chaos fault killed it): stops what
  // is left of its process group, spawns it anew (its log is appended to) and returns at
  // once, without waiting for health: the caller polls `health_url` itself, off this thread.
  // False with *err when the service is unknown, still running, or cannot be spawned.
  bool Respawn(const std::string& name, std::string* err);
  // The plan's description of a started service, or nullptr.
  const sp::plan::Service* Find(const std::string& name) const { const Entry* e = FindEntry(name); return e ? &e->service : nullptr; }

  // Whether the service's process is still running (reaps it if it has exited).
  bool IsAlive(const std::string& name);
  // The service's pid (= process group id), -1 when no such service was started.
  pid_t Pid(const std::string& name) const;
  // Current state of one service (nullopt when unknown) or of all, in start order. Stopped
  // services stay listed, with their exit status, until the next Start().
  std::optional<ServiceStatus> Status(const std::string& name);
  std::vector<ServiceStatus> StatusAll();

  const std::string& log_dir() const { return log_dir_; }
  // Where the service's stdout+stderr go: <log_dir>/<name>.log, the name made file-safe.
  std::string LogPath(const std::string& name) const;

  // $TMPDIR/stressplan-<pid> (/tmp when TMPDIR is unset).
  static std::string DefaultLogDir();

 private:
  struct Entry {
    sp::plan::Service service;
    ChildProcess child;
    std::string log_path;
  };

  bool StartOne(const sp::plan::Service& service, std::string* err);
  Entry* FindEntry(const std::string& name);
  const Entry* FindEntry(const std::string& name) const;
  ServiceStatus StatusOf(Entry& entry);

  std::string log_dir_;
  std::vector<Entry> entries_;  // in start order
};

}  // namespace sp::services
