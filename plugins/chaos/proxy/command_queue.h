// How the chaos thread hands toxic changes to a site's event loop without sharing anything
// the loop uses for I/O: a small mutex-protected queue (held only to push or swap), an
// eventfd that wakes the loop, and a per-command acknowledgement the caller waits for with
// a deadline. A command the caller stopped waiting for still runs, in order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "plugins/chaos/proxy/toxic.h"

namespace sp::proxy {

struct Command {
  enum class Kind { kInstall, kRemove };
  Kind kind;
  ToxicPtr toxic;

  // Acknowledgement: set once by the loop.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::string error;  // empty: it worked
};

class CommandQueue {
 public:
  CommandQueue();  // throws std::system_error when no eventfd can be made
  ~CommandQueue();
  CommandQueue(const CommandQueue&) = delete;
  CommandQueue& operator=(const CommandQueue&) = delete;

  int wake_fd() const { return wake_fd_; }

  // Caller side: queues the command and wakes the loop.
  void Post(std::shared_ptr<Command> command);
  // Waits for the acknowledgement until deadline (CLOCK_MONOTONIC ns); false when it passed.
  static bool Wait(Command& command, uint64_t deadline_ns);

  // Loop side: everything queued so far (clears the eventfd first, so no wake-up is lost).
  std::deque<std::shared_ptr<Command>> Take();
  static void Acknowledge(Command& command, std::string error);

 private:
  int wake_fd_ = -1;
  std::mutex mu_;
  std::deque<std::shared_ptr<Command>> queue_;
};

}  // namespace sp::proxy
