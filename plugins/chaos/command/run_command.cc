#include "plugins/chaos/command/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

extern char** environ;

namespace sp::fault_command {
namespace {

using Clock = std::chrono::steady_clock;

// After the command exits, what it left in the background may keep the pipe open and write
// forever: drain at most this much, then stop listening.
constexpr size_t kMaxDrain = 64 * 1024;

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// argv[0] with a '/' is a path (relative ones start from the workdir: posix_spawn changes
// directory before exec). Otherwise it is searched in PATH - the PATH of `env` when it sets
// one, which posix_spawnp would ignore.
bool ResolveExecutable(const std::string& program, const RunSettings& settings, std::string* exe,
                       std::string* err) {
  if (program.find('/') != std::string::npos) {
    *exe = program;
    return true;
  }
  std::string search;
  if (auto it = settings.env.find("PATH"); it != settings.env.end()) {
    search = it->second;
  } else if (const char* path = getenv("PATH")) {
    search = path;
  } else {
    search = "/usr/local/bin:/usr/bin:/bin";
  }
  size_t begin = 0;
  while (begin <= search.size()) {
    size_t end = search.find(':', begin);
    if (end == std::string::npos) end = search.size();
    std::filesystem::path dir(search.substr(begin, end - begin));
    begin = end + 1;
    if (dir.empty()) dir = ".";  // an empty PATH entry means the current directory
    if (dir.is_relative()) dir = std::filesystem::path(settings.workdir) / dir;
    const std::string candidate = (dir / program).string();
    if (IsExecutableFile(candidate)) {
      *exe = candidate;
      return true;
    }
  }
  *err = "'" + program + "' not found in PATH (" + search + ")";
  return false;
}

// The inherited environment with settings.env added over it.
std::vector<std::string> BuildEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    if (extra.count(entry.substr(0, entry.find('='))) == 0) out.push_back(entry);
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void KeepTail(std::string* tail, const char* data, size_t n) {
  tail->append(data, n);
  if (tail->size() > 2 * kOutputTail) tail->erase(0, tail->size() - kOutputTail);
}

// Reads what is available now (the descriptor is non-blocking). False at end of file.
bool ReadAvailable(int fd, std::string* tail, size_t limit) {
  char buf[4096];
  size_t total = 0;
  while (total < limit) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      KeepTail(tail, buf, static_cast<size_t>(n));
      total += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n != 0;  // 0: end of file; EAGAIN (or another error): nothing more for now
  }
  return true;
}

// Reaps a child that was sent SIGKILL; bounded, as a process stuck in the kernel can delay it.
void ReapKilled(pid_t pid, int* status) {
  const Clock::time_point until = Clock::now() + std::chrono::seconds(1);
  while (Clock::now() < until) {
    const pid_t w = waitpid(pid, status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// posix_spawn with the child in its own process group, default signal handling and an empty
// signal mask (the host blocks SIGINT/SIGTERM in every thread), stdin from /dev/null, stdout
// and stderr into out_fd, no other descriptor of the host. Returns 0 or an errno value.
int Spawn(const std::string& exe, char* const* argv, char* const* envp, const std::string& workdir,
          int out_fd, pid_t* pid) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 2);
  if (!workdir.empty()) posix_spawn_file_actions_addchdir_np(&actions, workdir.c_str());
  // Sockets the host opened without O_CLOEXEC must not leak into the command.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  sigset_t none;
  sigset_t defaults;
  sigemptyset(&none);
  sigfillset(&defaults);
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  const int rc = posix_spawn(pid, exe.c_str(), &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return rc;
}

}  // namespace

bool RunResult::succeeded() const {
  return started && !timed_out && wait_status >= 0 && WIFEXITED(wait_status) &&
         WEXITSTATUS(wait_status) == 0;
}

std::string RunResult::Describe(std::chrono::nanoseconds timeout) const {
  if (!started) return "could not be started: " + spawn_error;
  if (timed_out) return "timed out after " + DurationText(timeout) + " and was killed";
  if (wait_status < 0) return "ended (status unknown)";
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    std::string text = "was killed by signal " + std::to_string(sig);
    if (const char* abbrev = sigabbrev_np(sig)) text += std::string(" (SIG") + abbrev + ")";
    return text;
  }
  return "ended with wait status " + std::to_string(wait_status);
}

std::string DurationText(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  if (d.count() % 1'000'000'000 == 0) return std::to_string(duration_cast<seconds>(d).count()) + "s";
  if (d.count() % 1'000'000 == 0) return std::to_string(duration_cast<milliseconds>(d).count()) + "ms";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", duration<double>(d).count());
  return buf;
}

RunResult RunCommand(const Command& command, const RunSettings& settings) {
  RunResult result;
  std::string exe;
  if (!ResolveExecutable(command.argv.at(0), settings, &exe, &result.spawn_error)) return result;
  std::vector<std::string> argv_strings = command.argv;
  std::vector<std::string> env_strings = BuildEnvironment(settings.env);
  const std::vector<char*> argv = Pointers(argv_strings);
  const std::vector<char*> envp = Pointers(env_strings);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    result.spawn_error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }
  pid_t pid = -1;
  const Clock::time_point deadline = Clock::now() + settings.timeout;
  const int rc = Spawn(exe, argv.data(), envp.data(), settings.workdir, fds[1], &pid);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    result.spawn_error = exe + ": " + std::strerror(rc);
    if (!settings.workdir.empty() && rc == ENOENT) result.spawn_error += " (or workdir " + settings.workdir + " is missing)";
    return result;
  }
  result.started = true;
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);

  bool pipe_open = true;
  for (;;) {
    int status = 0;
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      result.wait_status = status;
      break;
    }
    if (w < 0 && errno != EINTR) break;  // ECHILD: reaped elsewhere; the status is lost
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      // The whole group: a shell's children would otherwise outlive it.
      kill(-pid, SIGKILL);
      ReapKilled(pid, &status);
      result.timed_out = true;
      break;
    }
    // Short slices: the command's exit is noticed by waitpid, not by end of file, which
    // a background process holding the pipe would postpone indefinitely.
    const auto slice = std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(10));
    const int slice_ms = std::max(1, static_cast<int>(
                                         std::chrono::duration_cast<std::chrono::milliseconds>(slice).count()));
    if (pipe_open) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, slice_ms) > 0) pipe_open = ReadAvailable(fds[0], &result.output_tail, kMaxDrain);
    } else {
      std::this_thread::sleep_for(slice);
    }
  }
  if (pipe_open) ReadAvailable(fds[0], &result.output_tail, kMaxDrain);
  close(fds[0]);
  if (result.output_tail.size() > kOutputTail) {
    result.output_tail.erase(0, result.output_tail.size() - kOutputTail);
  }
  return result;
}

}  // namespace sp::fault_command
