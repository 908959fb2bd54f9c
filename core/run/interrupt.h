// Ctrl-C and SIGTERM for a run: the signals are blocked in every thread and received by one
// watcher thread, which turns the first into "drain and report" and a second into "interrupt
// what is in flight now". Nothing happens inside a signal handler.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace sp::run {

class InterruptWatcher {
 public:
  // Blocks SIGINT and SIGTERM for the calling thread and every thread it starts afterwards.
  // Call before starting any thread.
  static void BlockSignals();

  // on_signal(count, name) runs on the watcher thread for each signal received.
  explicit InterruptWatcher(std::function<void(int count, const char* name)> on_signal);
  ~InterruptWatcher();

  int count() const { return count_.load(); }
  int first_signal() const { return first_.load(); }  // 0 if none

 private:
  std::function<void(int, const char*)> on_signal_;
  std::atomic<bool> done_{false};
  std::atomic<int> count_{0};
  std::atomic<int> first_{0};
  std::thread thread_;
};

}  // namespace sp::run
