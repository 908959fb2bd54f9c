#include "plugins/chaos/command/run_command.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <thread>

#include "lib/spawn/spawn.h"

namespace sp::fault_command {
namespace {

using Clock = std::chrono::steady_clock;

// After the command exits, what it left in the background may keep the pipe open and write
// forever: drain at most this much, then stop listening.
constexpr size_t kMaxDrain = 64 * 1024;

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

// Starts the command: stdout and stderr into a pipe, in its own process group.
bool StartCommand(const Command& command, const RunSettings& settings, spawn::SpawnedChild* child,
                  std::string* err) {
  spawn::SpawnRequest req;
  if (!spawn::FindExecutable(command.argv.at(0), settings.workdir, settings.env, &req.executable,
                             err)) {
    return false;
  }
  req.argv = command.argv;
  req.env = settings.env;
  req.workdir = settings.workdir;
  req.output = spawn::SpawnRequest::Output::kPipe;
  return spawn::Spawn(req, child, err);
}

// Short slices: the command's exit is noticed by waitpid, not by end of file, which a
// background process holding the pipe would postpone indefinitely.
void ReadForAWhile(int fd, Clock::duration slice, bool* pipe_open, std::string* tail) {
  const int slice_ms = std::max(
      1, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(slice).count()));
  if (!*pipe_open) {
    std::this_thread::sleep_for(slice);
    return;
  }
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, slice_ms) > 0) *pipe_open = ReadAvailable(fd, tail, kMaxDrain);
}

// Reads the output until the command exits or the deadline, when its whole group gets SIGKILL
// (a shell's children would otherwise outlive it).
void AwaitCommand(const spawn::SpawnedChild& child, Clock::time_point deadline, RunResult* result) {
  bool pipe_open = true;
  for (;;) {
    int status = 0;
    const spawn::WaitState state = spawn::TryWait(child.pid, &status);
    if (state == spawn::WaitState::kExited) result->wait_status = status;
    if (state != spawn::WaitState::kRunning) break;  // kLost: reaped elsewhere
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      kill(-child.pid, SIGKILL);
      spawn::ReapWithin(child.pid, std::chrono::seconds(1), &status);
      result->timed_out = true;
      break;
    }
    ReadForAWhile(child.output_fd,
                  std::min<Clock::duration>(deadline - now, std::chrono::milliseconds(10)),
                  &pipe_open, &result->output_tail);
  }
  if (pipe_open) ReadAvailable(child.output_fd, &result->output_tail, kMaxDrain);
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
    return "was killed by signal " + spawn::SignalText(sig);
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
  const Clock::time_point deadline = Clock::now() + settings.timeout;
  spawn::SpawnedChild child;
  if (!StartCommand(command, settings, &child, &result.spawn_error)) return result;
  result.started = true;
  AwaitCommand(child, deadline, &result);
  close(child.output_fd);
  if (result.output_tail.size() > kOutputTail) {
    result.output_tail.erase(0, result.output_tail.size() - kOutputTail);
  }
  return result;
}

}  // namespace sp::fault_command
