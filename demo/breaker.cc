#include "demo/breaker.h"

#include <algorithm>
#include <utility>

namespace sp::demo {

const char* CircuitStateName(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(BreakerConfig config, Clock clock)
    : config_(std::move(config)),
      clock_(std::move(clock)),
      window_(static_cast<std::size_t>(std::max(1, config_.window)), false) {}

CircuitBreaker::Permit CircuitBreaker::Acquire() {
  std::lock_guard<std::mutex> lock(mu_);
  HalfOpenIfDue();
  Permit permit{false, state_, epoch_};
  switch (state_) {
    case CircuitState::kClosed:
      permit.allowed = true;
      break;
    case CircuitState::kOpen:
      break;
    case CircuitState::kHalfOpen:
      if (trials_started_ < config_.half_open_calls) {
        ++trials_started_;
        permit.allowed = true;
      }
      break;
  }
  return permit;
}

CircuitState CircuitBreaker::Record(const Permit& permit, bool failed,
                                    std::chrono::nanoseconds elapsed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!permit.allowed || permit.epoch != epoch_) return state_;
  if (config_.slow_call.count() > 0 && elapsed > config_.slow_call) failed = true;
  if (state_ == CircuitState::kClosed) {
    RecordClosed(failed);
  } else if (state_ == CircuitState::kHalfOpen) {
    RecordHalfOpen(failed);
  }
  return state_;
}

CircuitState CircuitBreaker::state() {
  std::lock_guard<std::mutex> lock(mu_);
  HalfOpenIfDue();
  return state_;
}

BreakerCounts CircuitBreaker::counts() {
  std::lock_guard<std::mutex> lock(mu_);
  HalfOpenIfDue();
  BreakerCounts counts = counts_;
  counts.state = state_;
  return counts;
}

void CircuitBreaker::RecordClosed(bool failed) {
  if (recorded_ == window_.size()) {
    if (window_[next_]) --failures_;  // the oldest outcome leaves the window
  } else {
    ++recorded_;
  }
  window_[next_] = failed;
  if (failed) ++failures_;
  next_ = (next_ + 1) % window_.size();

  // resilience4j caps the minimum at the window size, so a small window can still trip.
  const std::size_t min_calls =
      std::min(window_.size(), static_cast<std::size_t>(std::max(1, config_.min_calls)));
  if (recorded_ >= min_calls &&
      failures_ * 100 >= recorded_ * static_cast<std::size_t>(config_.failure_rate_percent)) {
    MoveTo(CircuitState::kOpen);
  }
}

void CircuitBreaker::RecordHalfOpen(bool failed) {
  if (failed) {
    MoveTo(CircuitState::kOpen);
  } else if (++trials_succeeded_ >= config_.half_open_calls) {
    MoveTo(CircuitState::kClosed);
  }
}

void CircuitBreaker::HalfOpenIfDue() {
  if (state_ == CircuitState::kOpen && clock_() - opened_at_ >= config_.open_duration) {
    MoveTo(CircuitState::kHalfOpen);
  }
}

void CircuitBreaker::MoveTo(CircuitState to) {
  state_ = to;
  ++epoch_;
  switch (to) {
    case CircuitState::kOpen:
      opened_at_ = clock_();
      ++counts_.to_open;
      break;
    case CircuitState::kHalfOpen:
      trials_started_ = 0;
      trials_succeeded_ = 0;
      ++counts_.to_half_open;
      break;
    case CircuitState::kClosed:
      // A fresh window: the failures that opened the circuit must not reopen it.
      std::fill(window_.begin(), window_.end(), false);
      next_ = recorded_ = failures_ = 0;
      ++counts_.to_closed;
      break;
  }
}

}  // namespace sp::demo
