#include "lib/spawn/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <thread>

extern char** environ;

namespace sp::spawn {
namespace {

using Clock = std::chrono::steady_clock;

std::string ErrnoText(int error) { return std::string(strerror(error)); }

// Relative paths are taken against `base` (or the current directory when it is empty).
std::string Absolute(const std::string& base, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  std::error_code ec;
  std::filesystem::path b =
      base.empty() ? std::filesystem::current_path(ec) : std::filesystem::path(base);
  return (b / p).lexically_normal().string();
}

bool CheckPath(const std::string& program, const std::string& workdir, std::string* path,
               std::string* err) {
  const std::string p = Absolute(workdir, program);
  std::string shown = "'" + program + "'";
  if (p != program) shown += " (" + p + ")";
  struct stat st;
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

std::string SearchPath(const Environment& env) {
  if (auto it = env.find("PATH"); it != env.end()) return it->second;
  if (const char* path = getenv("PATH")) return path;
  return "/usr/local/bin:/usr/bin:/bin";
}

bool SearchInPath(const std::string& program, const std::string& workdir, const Environment& env,
                  std::string* path, std::string* err) {
  const std::string search = SearchPath(env);
  size_t begin = 0;
  while (begin <= search.size()) {
    size_t end = search.find(':', begin);
    if (end == std::string::npos) end = search.size();
    std::string dir = search.substr(begin, end - begin);
    begin = end + 1;
    if (dir.empty()) dir = ".";  // an empty PATH entry means the current directory
    const std::string p = Absolute(workdir, dir + "/" + program);
    struct stat st;
    if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0) {
      *path = p;
      return true;
    }
  }
  *err = "'" + program + "' not found in PATH (" + search + ")";
  return false;
}

bool CheckWorkdir(const std::string& workdir, std::string* err) {
  if (workdir.empty()) return true;
  struct stat st;
  if (stat(workdir.c_str(), &st) != 0) {
    *err = "working directory '" + workdir + "' cannot be used: " + ErrnoText(errno);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *err = "working directory '" + workdir + "' is not a directory";
    return false;
  }
  return true;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

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

// Everything the child needs, prepared before fork: after it the child must not allocate.
struct ChildPlan {
  const char* exe;
  char* const* argv;
  char* const* envp;
  const char* workdir;  // nullptr: stay
  int err_fd;           // the write end of the failure pipe
  int out_fd;           // becomes stdout and stderr
  int null_fd;          // becomes stdin
  bool die_with_parent;
  pid_t parent;
  int max_fd;
};

// Descriptors the parent opened, with both ends open: closed together on every path.
struct Descriptors {
  int out_read = -1;  // kPipe: the caller's end
  int out_write = -1;
  int null_fd = -1;
  int err_read = -1;
  int err_write = -1;

  void CloseChildSide() {
    for (int* fd : {&out_write, &null_fd, &err_write}) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
  }
  void CloseAll() {
    CloseChildSide();
    for (int* fd : {&out_read, &err_read}) {
      if (*fd >= 0) close(*fd);
      *fd = -1;
    }
  }
};

// The code below runs in the forked child of a possibly multithreaded parent, so it may only
// call async-signal-safe functions: no allocation, no locks, no stdio.
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

// Handlers are reset by exec, ignored signals are not: the program gets default ones.
void DefaultSignals() {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  }
}

[[noreturn]] void RunChild(const ChildPlan& plan) {
  if (setpgid(0, 0) != 0) Fail(plan.err_fd, kStageSetpgid);
  if (plan.die_with_parent) {
    // The signal goes to the leader; a leader that exits normally takes care of its children.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != plan.parent) _exit(127);  // the parent died before prctl took effect
  }
  DefaultSignals();
  if (!Redirect(plan.null_fd, 0) || !Redirect(plan.out_fd, 1) || !Redirect(plan.out_fd, 2)) {
    Fail(plan.err_fd, kStageRedirect);
  }
  if (plan.workdir != nullptr && chdir(plan.workdir) != 0) Fail(plan.err_fd, kStageChdir);
  // Descriptors the parent opened without O_CLOEXEC (sockets of other threads, ...) must not
  // leak into the program: a leaked listening socket would keep a port busy.
  CloseFrom(3, plan.err_fd, plan.max_fd);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(plan.exe, plan.argv, plan.envp);
  Fail(plan.err_fd, kStageExec);
}

bool OpenDescriptors(const SpawnRequest& req, Descriptors* fds, std::string* err) {
  if (req.output == SpawnRequest::Output::kLogFile) {
    const int mode = req.append_log ? O_APPEND : O_TRUNC;
    fds->out_write = open(req.log_path.c_str(), O_WRONLY | O_CREAT | mode | O_CLOEXEC, 0644);
    if (fds->out_write < 0) {
      *err = "cannot open log file " + req.log_path + ": " + ErrnoText(errno);
      return false;
    }
  } else {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
      *err = "cannot create a pipe: " + ErrnoText(errno);
      return false;
    }
    fds->out_read = pipe_fds[0];
    fds->out_write = pipe_fds[1];
  }
  fds->null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int err_pipe[2] = {-1, -1};
  if (fds->null_fd < 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    *err = "cannot prepare the child's descriptors: " + ErrnoText(errno);
    fds->CloseAll();
    return false;
  }
  fds->err_read = err_pipe[0];
  fds->err_write = err_pipe[1];
  return true;
}

// Forks with every signal blocked, so the child cannot run one of the parent's handlers before
// it has reset them; the child unblocks right before exec. Returns fork's result and errno.
pid_t ForkChild(const ChildPlan& plan, int* fork_errno) {
  sigset_t all;
  sigset_t saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  const pid_t pid = fork();
  if (pid == 0) RunChild(plan);
  *fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  return pid;
}

// Waits for exec: end of file on the failure pipe means it succeeded. On failure the child
// exited; it is reaped and *err says which step failed.
bool AwaitExec(pid_t pid, int err_read, const std::string& exe, std::string* err) {
  ChildFailure failure{};
  ssize_t n;
  do {
    n = read(err_read, &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof failure)) return true;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  *err = std::string(StageText(failure.stage)) + " failed for " + exe + ": " +
         ErrnoText(failure.error);
  return false;
}

int MaxDescriptor() {
  const long open_max = sysconf(_SC_OPEN_MAX);
  return open_max > 0 && open_max < (1 << 20) ? static_cast<int>(open_max) : (1 << 20);
}

}  // namespace

bool FindExecutable(const std::string& program, const std::string& workdir, const Environment& env,
                    std::string* path, std::string* err) {
  if (program.empty()) {
    *err = "the command is empty";
    return false;
  }
  if (program.find('/') != std::string::npos) return CheckPath(program, workdir, path, err);
  return SearchInPath(program, workdir, env, path, err);
}

std::vector<std::string> MergeEnvironment(const Environment& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    if (extra.count(entry.substr(0, entry.find('='))) == 0) out.push_back(std::move(entry));
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

bool Spawn(const SpawnRequest& req, SpawnedChild* child, std::string* err) {
  if (!CheckWorkdir(req.workdir, err)) return false;
  std::vector<std::string> env_strings = MergeEnvironment(req.env);
  std::vector<std::string> argv_strings = req.argv;
  const std::vector<char*> envp = Pointers(env_strings);
  const std::vector<char*> argv = Pointers(argv_strings);
  Descriptors fds;
  if (!OpenDescriptors(req, &fds, err)) return false;

  const ChildPlan plan{req.executable.c_str(),
                       argv.data(),
                       envp.data(),
                       req.workdir.empty() ? nullptr : req.workdir.c_str(),
                       fds.err_write,
                       fds.out_write,
                       fds.null_fd,
                       req.die_with_parent,
                       getpid(),
                       MaxDescriptor()};
  int fork_errno = 0;
  const pid_t pid = ForkChild(plan, &fork_errno);
  fds.CloseChildSide();
  if (pid < 0) {
    fds.CloseAll();
    *err = "fork failed: " + ErrnoText(fork_errno);
    return false;
  }
  // Also set in the child; doing it on both sides closes the race with an early kill(-pid).
  setpgid(pid, pid);
  const bool started = AwaitExec(pid, fds.err_read, req.executable, err);
  close(fds.err_read);
  fds.err_read = -1;
  if (!started) {
    fds.CloseAll();
    return false;
  }
  if (fds.out_read >= 0) fcntl(fds.out_read, F_SETFL, fcntl(fds.out_read, F_GETFL) | O_NONBLOCK);
  child->pid = pid;
  child->output_fd = fds.out_read;
  return true;
}

WaitState TryWait(pid_t pid, int* status) {
  pid_t r;
  do {
    r = waitpid(pid, status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return WaitState::kRunning;
  return r > 0 ? WaitState::kExited : WaitState::kLost;
}

bool ReapWithin(pid_t pid, std::chrono::nanoseconds bound, int* status) {
  const Clock::time_point until = Clock::now() + bound;
  for (;;) {
    if (TryWait(pid, status) != WaitState::kRunning) return true;
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string SignalText(int sig) {
  std::string text = std::to_string(sig);
  if (const char* abbrev = sigabbrev_np(sig)) text += std::string(" (SIG") + abbrev + ")";
  return text;
}

}  // namespace sp::spawn
