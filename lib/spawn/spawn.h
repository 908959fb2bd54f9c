// Starting a program in its own process group, for the plan's services
// (core/services/child_process) and the command fault (plugins/chaos/command/run_command).
// One way for both: the executable looked up like a shell would (PATH of the environment the
// program gets), the inherited environment with the caller's additions, stdin from /dev/null,
// stdout and stderr into a log file or a pipe, every other descriptor closed, default signal
// dispositions and an empty signal mask (the host blocks SIGINT/SIGTERM in every thread).
//
// fork/exec rather than posix_spawn: a service must die with the thread that started it
// (PR_SET_PDEATHSIG), which posix_spawn cannot ask for. The child only calls async-signal-safe
// functions between fork and exec, and reports a failure before exec (which step, which errno)
// through a close-on-exec pipe, so Spawn returns only once exec succeeded or failed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace sp::spawn {

// Names and values added to (and overriding) the inherited environment.
using Environment = std::map<std::string, std::string>;

// Finds the file `program` names. Containing a '/' it is a path, relative ones taken from
// `workdir` (the current directory when empty); otherwise it is searched in PATH — the PATH of
// `env` when it sets one, else this process's, else /usr/local/bin:/usr/bin:/bin — where an
// empty or relative entry is also taken from `workdir`. *path is absolute and normalised.
// False with *err starting with the quoted program: "'x' not found in PATH (/usr/bin:/bin)",
// "'./x' (/w/x) not found: No such file or directory", "... is a directory",
// "... is not executable: Permission denied", "the command is empty".
bool FindExecutable(const std::string& program, const std::string& workdir, const Environment& env,
                    std::string* path, std::string* err);

// The inherited environment with `extra` added over it, as NAME=value strings.
std::vector<std::string> MergeEnvironment(const Environment& extra);

struct SpawnRequest {
  enum class Output {
    kLogFile,  // stdout and stderr into log_path
    kPipe,     // stdout and stderr into one pipe, read by the caller (SpawnedChild::output_fd)
  };

  std::string executable;         // a path, as FindExecutable gives it
  std::vector<std::string> argv;  // argv[0] as the user wrote it
  Environment env;                // over the inherited environment
  std::string workdir;            // empty: the current directory
  Output output = Output::kLogFile;
  std::string log_path;     // kLogFile: created or truncated ...
  bool append_log = false;  // ... or appended to
  // The child gets SIGTERM when the *thread* that spawned it exits (PR_SET_PDEATHSIG): spawn
  // from a thread that lives as long as the child should.
  bool die_with_parent = false;
};

struct SpawnedChild {
  pid_t pid = -1;      // also its process group id
  int output_fd = -1;  // kPipe: the read end, non-blocking and close-on-exec; the caller closes it
};

// Checks the working directory, opens the output, forks and execs. False with *err when the
// working directory or the log cannot be used, or a step in the child failed ("exec failed for
// /bin/x: Permission denied"); nothing is left running or open then.
bool Spawn(const SpawnRequest& req, SpawnedChild* child, std::string* err);

enum class WaitState {
  kRunning,  // not exited yet
  kExited,   // *status holds the raw waitpid() status
  kLost,     // reaped elsewhere (ECHILD, e.g. SIGCHLD ignored): the status is lost
};

// waitpid(pid, WNOHANG), retried on EINTR.
WaitState TryWait(pid_t pid, int* status);

// Reaps a child that was sent SIGKILL, checking every 2 ms for at most `bound` (a process stuck
// in the kernel can delay even SIGKILL). False when it was still there at the end.
bool ReapWithin(pid_t pid, std::chrono::nanoseconds bound, int* status);

// "9 (SIGKILL)": the number and, when known, the name.
std::string SignalText(int sig);

}  // namespace sp::spawn
