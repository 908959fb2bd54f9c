#include "core/services/child_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <utility>

extern char** environ;

namespace sp::services {
namespace {

using Clock = std::chrono::steady_clock;

// What the child reports through the close-on-exec pipe when it cannot get to exec.
enum ChildStage : int { kStageSetpgid = 1, kStageRedirect, kStageChdir, kStageExec };
struct ChildFailure {
  int stage;
  int error;
};

const char* StageText(int stage) {
  switch (stage) {
    case kStageSetpgid: return "setpgid";
    case kStageRedirect: return "redirecting stdin/stdout/stderr";
    case kStageChdir: return "changing to the working directory";
    case kStageExec: return "exec";
    default: return "starting";
  }
}

std::string ErrnoText(int error) { return std::string(strerror(error)); }

// Relative paths are taken against `base` (or the current directory when it is empty).
std::string Absolute(const std::string& base, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  std::error_code ec;
  std::filesystem::path b = base.empty() ? std::filesystem::current_path(ec)
                                          : std::filesystem::path(base);
  return (b / p).lexically_normal().string();
}

// Everything below runs in the forked child of a possibly multithreaded parent, so it may
// only call async-signal-safe functions: no allocation, no locks, no stdio.
[[noreturn]] void Fail(int err_fd, int stage) {
  ChildFailure f{stage, errno};
  ssize_t n = write(err_fd, &f, sizeof f);
  (void)n;
  _exit(127);
}

// dup2() onto itself keeps FD_CLOEXEC; clear it so the descriptor survives exec.
bool Redirect(int from, int to) {
  if (from == to) return fcntl(to, F_SETFD, 0) == 0;
  return dup2(from, to) == to;
}

void CloseFrom(int first, int keep, int max_fd) {
  if (keep >= first) {
    if (keep > first && close_range(first, keep - 1, 0) != 0) {
      for (int fd = first; fd < keep; ++fd) close(fd);
    }
    if (close_range(keep + 1, ~0U, 0) != 0) {
      for (int fd = keep + 1; fd < max_fd; ++fd) close(fd);
    }
    return;
  }
  if (close_range(first, ~0U, 0) != 0) {
    for (int fd = first; fd < max_fd; ++fd) close(fd);
  }
}

[[noreturn]] void RunChild(int err_fd, int log_fd, int null_fd, const char* exe,
                           char* const* argv, char* const* envp, const char* workdir,
                           pid_t parent, int max_fd) {
  if (setpgid(0, 0) != 0) Fail(err_fd, kStageSetpgid);
  // If stressplan dies, so does the service (the signal goes to the leader; a leader that
  // exits normally takes care of its own children).
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(127);  // the parent died before prctl took effect

  // Handlers are reset by exec, ignored signals are not: give the service default ones.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  }

  if (!Redirect(null_fd, 0) || !Redirect(log_fd, 1) || !Redirect(log_fd, 2)) {
    Fail(err_fd, kStageRedirect);
  }
  if (workdir != nullptr && chdir(workdir) != 0) Fail(err_fd, kStageChdir);
  // Descriptors the parent opened without O_CLOEXEC (sockets of other threads, ...) must not
  // leak into the service: a leaked listening socket would keep a port busy.
  CloseFrom(3, err_fd, max_fd);

  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(exe, argv, envp);
  Fail(err_fd, kStageExec);
}

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
  const std::string& cmd = req.argv[0];
  struct stat st;
  if (cmd.find('/') != std::string::npos) {
    std::string p = Absolute(req.workdir, cmd);
    std::string shown = "executable '" + cmd + "'";
    if (p != cmd) shown += " (" + p + ")";
    if (stat(p.c_str(), &st) != 0) {
      *err = shown + " not found: " + ErrnoText(errno);
      return false;
    }
    if (S_ISDIR(st.st_mode)) {
      *err = shown + " is a directory";
      return false;
    }
    if (access(p.c_str(), X_OK) != 0) {
      *err = shown + " is not executable: " + ErrnoText(errno);
      return false;
    }
    *path = p;
    return true;
  }

  std::string search;
  if (auto it = req.env.find("PATH"); it != req.env.end()) {
    search = it->second;
  } else if (const char* env_path = getenv("PATH")) {
    search = env_path;
  } else {
    search = "/usr/local/bin:/usr/bin:/bin";
  }
  size_t begin = 0;
  while (begin <= search.size()) {
    size_t end = search.find(':', begin);
    if (end == std::string::npos) end = search.size();
    std::string dir = search.substr(begin, end - begin);
    begin = end + 1;
    if (dir.empty()) dir = ".";  // an empty PATH entry means the current directory
    std::string p = Absolute(req.workdir, dir + "/" + cmd);
    if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0) {
      *path = p;
      return true;
    }
  }
  *err = "executable '" + cmd + "' not found in PATH (" + search + ")";
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
  if (!req.workdir.empty()) {
    struct stat st;
    if (stat(req.workdir.c_str(), &st) != 0) {
      *err = "working directory '" + req.workdir + "' cannot be used: " + ErrnoText(errno);
      return false;
    }
    if (!S_ISDIR(st.st_mode)) {
      *err = "working directory '" + req.workdir + "' is not a directory";
      return false;
    }
  }

  // Everything the child needs is prepared here: after fork() it must not allocate.
  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    if (req.env.count(key) == 0) env_strings.push_back(std::move(entry));
  }
  for (const auto& [key, value] : req.env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = req.argv;
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  long open_max = sysconf(_SC_OPEN_MAX);
  int max_fd = open_max > 0 && open_max < (1 << 20) ? static_cast<int>(open_max) : (1 << 20);

  int log_fd = open(req.log_path.c_str(), O_WRONLY | O_CREAT | (req.append_log ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    *err = "cannot open log file " + req.log_path + ": " + ErrnoText(errno);
    return false;
  }
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int pipe_fds[2] = {-1, -1};
  if (null_fd < 0 || pipe2(pipe_fds, O_CLOEXEC) != 0) {
    *err = "cannot prepare the child's descriptors: " + ErrnoText(errno);
    close(log_fd);
    if (null_fd >= 0) close(null_fd);
    return false;
  }

  // Block every signal across fork so the child cannot run one of the parent's handlers
  // before it has reset them; the child unblocks right before exec.
  sigset_t all;
  sigset_t saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    RunChild(pipe_fds[1], log_fd, null_fd, exe.c_str(), argv.data(), envp.data(),
             req.workdir.empty() ? nullptr : req.workdir.c_str(), parent, max_fd);
  }
  int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  close(pipe_fds[1]);
  close(log_fd);
  close(null_fd);
  if (pid < 0) {
    close(pipe_fds[0]);
    *err = "fork failed: " + ErrnoText(fork_errno);
    return false;
  }
  // Also set in the child; doing it on both sides closes the race with an early kill(-pid).
  setpgid(pid, pid);

  ChildFailure failure{};
  ssize_t n;
  do {
    n = read(pipe_fds[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  close(pipe_fds[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    *err = std::string(StageText(failure.stage)) + " failed for " + exe + ": " +
           ErrnoText(failure.error);
    return false;
  }
  pid_ = pid;
  executable_ = exe;
  return true;
}

bool ChildProcess::Poll() {
  if (pid_ <= 0 || exited_) return false;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return true;
  exited_ = true;
  // r < 0 (ECHILD): reaped elsewhere, e.g. SIGCHLD set to SIG_IGN; the status is lost.
  wait_status_ = r == pid_ ? status : -1;
  return false;
}

void ChildProcess::Stop(std::chrono::nanoseconds timeout) {
  if (pid_ <= 0 || stopped_) return;
  Poll();
  kill(-pid_, SIGTERM);
  // A stopped process (a pause fault whose revert failed) only acts on SIGTERM once it runs.
  kill(-pid_, SIGCONT);
  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    Poll();
    if (exited_ && !GroupHasLiveMembers(pid_)) {
      stopped_ = true;
      return;
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
}

std::string DescribeWaitStatus(int wait_status) {
  if (wait_status < 0) return "exited (status unknown)";
  if (WIFEXITED(wait_status)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    std::string text = "killed by signal " + std::to_string(sig);
    if (const char* abbrev = sigabbrev_np(sig)) text += std::string(" (SIG") + abbrev + ")";
    if (WCOREDUMP(wait_status)) text += ", core dumped";
    return text;
  }
  return "stopped (wait status " + std::to_string(wait_status) + ")";
}

}  // namespace sp::services
