#include "plugins/chaos/proxy/command_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>

#include "plugins/chaos/proxy/clock.h"

namespace sp::proxy {

CommandQueue::CommandQueue() {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

CommandQueue::~CommandQueue() { close(wake_fd_); }

void CommandQueue::Post(std::shared_ptr<Command> command) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(command));
  }
  const uint64_t one = 1;
  // A full counter (never, in practice) still leaves the loop woken: ignore the result.
  [[maybe_unused]] const ssize_t n = write(wake_fd_, &one, sizeof one);
}

bool CommandQueue::Wait(Command& command, uint64_t deadline_ns) {
  std::unique_lock<std::mutex> lock(command.mu);
  while (!command.done) {
    const uint64_t now = MonoNowNs();
    if (now >= deadline_ns) return false;
    command.cv.wait_for(lock, std::chrono::nanoseconds(deadline_ns - now));
  }
  return true;
}

std::deque<std::shared_ptr<Command>> CommandQueue::Take() {
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = read(wake_fd_, &count, sizeof count);
  std::deque<std::shared_ptr<Command>> out;
  std::lock_guard<std::mutex> lock(mu_);
  out.swap(queue_);
  return out;
}

void CommandQueue::Acknowledge(Command& command, std::string error) {
  {
    std::lock_guard<std::mutex> lock(command.mu);
    command.done = true;
    command.error = std::move(error);
  }
  command.cv.notify_all();
}

}  // namespace sp::proxy
