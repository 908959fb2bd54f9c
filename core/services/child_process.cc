#include "core/services/child_process.h"

#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <thread>
#include <utility>

#include "lib/spawn/spawn.h"

namespace sp::services {
namespace {

using Clock = std::chrono::steady_clock;

// True while some process of the group is alive (zombies do not count: a zombie whose new
// parent does not reap it would otherwise look alive until the timeout).
bool GroupHasLiveMembers(pid_t pgid) {
  if (kill(-pgid, 0) != 0 && errno == ESRCH) return false;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return true;
  bool live = false;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::string path = std::string("/proc/") + entry->d_name + "/stat";
    FILE* f = fopen(path.c_str(), "re");
    if (f == nullptr) continue;
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
    const char* close_paren = strrchr(buf, ')');
    if (close_paren == nullptr) continue;
    char state = 0;
    int ppid = 0;
    int pgrp = 0;
    if (sscanf(close_paren + 1, " %c %d %d", &state, &ppid, &pgrp) != 3) continue;
    if (pgrp == pgid && state != 'Z' && state != 'X') {
      live = true;
      break;
    }
  }
  closedir(proc);
  return live;
}

void SleepFor(std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }

}  // namespace

bool ResolveExecutable(const SpawnRequest& req, std::string* path, std::string* err) {
  if (req.argv.empty() || req.argv[0].empty()) {
    *err = "the command is empty";
    return false;
  }
  if (spawn::FindExecutable(req.argv[0], req.workdir, req.env, path, err)) return true;
  *err = "executable " + *err;
  return false;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      exited_(std::exchange(other.exited_, false)),
      stopped_(std::exchange(other.stopped_, false)),
      wait_status_(std::exchange(other.wait_status_, -1)),
      executable_(std::move(other.executable_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Stop(std::chrono::nanoseconds(0));
    pid_ = std::exchange(other.pid_, -1);
    exited_ = std::exchange(other.exited_, false);
    stopped_ = std::exchange(other.stopped_, false);
    wait_status_ = std::exchange(other.wait_status_, -1);
    executable_ = std::move(other.executable_);
  }
  return *this;
}

ChildProcess::~ChildProcess() { Stop(std::chrono::nanoseconds(0)); }

void ChildProcess::Reset() {
  pid_ = -1;
  exited_ = false;
  stopped_ = false;
  wait_status_ = -1;
  executable_.clear();
}

bool ChildProcess::Spawn(const SpawnRequest& req, std::string* err) {
  if (pid_ > 0 && !stopped_) {
    *err = "a child is already running (pid " + std::to_string(pid_) + ")";
    return false;
  }
  Reset();
  std::string exe;
  if (!ResolveExecutable(req, &exe, err)) return false;
  spawn::SpawnRequest spawn_req;
  spawn_req.executable = exe;
  spawn_req.argv = req.argv;
  spawn_req.env = req.env;
  spawn_req.workdir = req.workdir;
  spawn_req.output = spawn::SpawnRequest::Output::kLogFile;
  spawn_req.log_path = req.log_path;
  spawn_req.append_log = req.append_log;
  // If stressplan dies, so does the service.
  spawn_req.die_with_parent = true;
  spawn::SpawnedChild child;
  if (!spawn::Spawn(spawn_req, &child, err)) return false;
  pid_ = child.pid;
  executable_ = exe;
  return true;
}

bool ChildProcess::Poll() {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  const spawn::WaitState state = spawn::TryWait(pid_, &status);
  if (state == spawn::WaitState::kRunning) return true;
  exited_ = true;
  // kLost (ECHILD): reaped elsewhere, e.g. SIGCHLD set to SIG_IGN; the status is lost.
  wait_status_ = state == spawn::WaitState::kExited ? status : -1;
  return false;
}

bool ChildProcess::Stop(std::chrono::nanoseconds timeout) {
  if (pid_ <= 0 || stopped_) return false;
  Poll();
  kill(-pid_, SIGTERM);
  // A stopped process (a pause fault whose revert failed) only acts on SIGTERM once it runs.
  kill(-pid_, SIGCONT);
  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    Poll();
    if (exited_ && !GroupHasLiveMembers(pid_)) {
      stopped_ = true;
      return false;
    }
    Clock::time_point now = Clock::now();
    if (now >= deadline) break;
    SleepFor(std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(10)));
  }
  kill(-pid_, SIGKILL);
  // SIGKILL cannot be ignored; a process stuck in the kernel (D state) can still delay it,
  // so the wait is bounded rather than blocking forever.
  const Clock::time_point reap_deadline = Clock::now() + std::chrono::seconds(5);
  while (Poll() && Clock::now() < reap_deadline) SleepFor(std::chrono::milliseconds(2));
  stopped_ = true;
  return true;
}

std::string DescribeWaitStatus(int wait_status) {
  if (wait_status < 0) return "exited (status unknown)";
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    std::string text = "killed by signal " + spawn::SignalText(sig);
    if (WCOREDUMP(wait_status)) text += ", core dumped";
    return text;
  }
  return "stopped (wait status " + std::to_string(wait_status) + ")";
}

}  // namespace sp::services
