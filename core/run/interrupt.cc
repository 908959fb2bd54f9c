#include "core/run/interrupt.h"

#include <signal.h>
#include <time.h>

namespace sp::run {
namespace {

sigset_t RunSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void InterruptWatcher::BlockSignals() {
  sigset_t set = RunSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

InterruptWatcher::InterruptWatcher(std::function<void(int, const char*)> on_signal)
    : on_signal_(std::move(on_signal)) {
  thread_ = std::thread([this] {
    sigset_t set = RunSignals();
    while (!done_.load()) {
      timespec timeout{0, 100'000'000};
      int sig = sigtimedwait(&set, nullptr, &timeout);
      if (sig <= 0) continue;
      int expected = 0;
      first_.compare_exchange_strong(expected, sig);
      int n = ++count_;
      on_signal_(n, sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
  });
}

InterruptWatcher::~InterruptWatcher() {
  done_.store(true);
  if (thread_.joinable()) thread_.join();
}

}  // namespace sp::run
