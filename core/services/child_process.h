// Starting, watching and stopping one child process in its own process group. Starting it is
// lib/spawn's (fork/exec, process group, parent-death signal, log redirection); stopping the
// whole group and reaping live here, so that service_set.cc reads as the policy: start in
// order, wait for health, stop in reverse.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace sp::services {

struct SpawnRequest {
  std::vector<std::string> argv;  // argv[0] as written in the plan
  std::map<std::string, std::string> env;  // added to (and overriding) the inherited environment
  std::string workdir;  // empty: the current directory
  std::string log_path;  // stdout and stderr go here (truncated); stdin is /dev/null
  bool append_log = false;  // a restart keeps what the earlier run of the service wrote
};

// Finds the executable the way a service's command[0] is resolved: containing a '/' it is a
// path, relative ones against `workdir`; otherwise it is searched in PATH (the PATH from `env`
// when the request sets one). Returns false with *err saying what was looked for and where.
bool ResolveExecutable(const SpawnRequest& req, std::string* path, std::string* err);

// A running (or exited but not yet forgotten) child. The child is the leader of its own
// process group (pgid == pid), so signals sent to the group also reach the processes it
// starts. It gets SIGTERM when the thread that spawned it exits (PR_SET_PDEATHSIG): spawn
// from a thread that lives as long as the child should, normally the main thread.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();  // Stop(0): a child is never left running behind this object

  // Resolves the executable, opens the log, forks and execs. Returns false with *err when the
  // executable, working directory or log cannot be used, or exec fails in the child (all
  // reported before this returns, through a close-on-exec pipe).
  bool Spawn(const SpawnRequest& req, std::string* err);

  // Reaps the child if it has exited (non-blocking). True while it runs.
  bool Poll();

  // Stops the whole process group: SIGTERM, up to `timeout` for the leader and every other
  // member to go, then SIGKILL; reaps the leader. Idempotent. Also kills members left behind
  // by a leader that already exited. True when SIGTERM was not enough and SIGKILL was sent
  // (false when the group was already gone or Stop had run before).
  bool Stop(std::chrono::nanoseconds timeout);

  pid_t pid() const { return pid_; }  // -1 before Spawn; kept after exit (also the pgid)
  bool exited() const { return exited_; }
  // Raw waitpid() status once exited(); -1 when the status could not be collected.
  int wait_status() const { return wait_status_; }
  const std::string& executable() const { return executable_; }

 private:
  void Reset();

  pid_t pid_ = -1;
  bool exited_ = false;
  bool stopped_ = false;  // Stop() ran to the end: the group has no live members left
  int wait_status_ = -1;
  std::string executable_;
};

// "exited with status 3", "killed by signal 9 (SIGKILL)", "exited (status unknown)".
std::string DescribeWaitStatus(int wait_status);

}  // namespace sp::services
