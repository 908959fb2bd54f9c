// A count-based circuit breaker in the style of resilience4j, guarding the webhook's calls to
// its upstream. Pure logic: no I/O, no threads of its own, and the clock is injected, so every
// transition can be unit-tested without sleeping (breaker_test.cc).
//
//   closed     calls pass; the outcomes of the last `window` calls are kept. Once at least
//              `min_calls` are recorded and failures are >= `failure_rate_percent` of them:
//              open.
//   open       calls are rejected at once. After `open_duration`: half_open (the first caller,
//              or reader of state(), that notices the time is up makes the move).
//   half_open  up to `half_open_calls` trial calls pass, further ones are rejected. All
//              trials succeed: closed, with an empty window. Any trial fails: open again.
//
// A failure is whatever the caller says failed (errors, timeouts, 5xx) or, when `slow_call`
// is > 0, a call that took longer than it.
//
// THREADING: every member is safe to call from any thread (one mutex; held for a few
// instructions, never across the upstream call itself).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace sp::demo {

enum class CircuitState { kClosed, kOpen, kHalfOpen };

// "closed", "open", "half_open": the spelling of the X-Circuit-State header and the metrics.
const char* CircuitStateName(CircuitState state);

struct BreakerConfig {
  int window = 20;                // outcomes kept while closed (count-based sliding window)
  int min_calls = 10;             // no decision before this many; capped at `window`
  int failure_rate_percent = 50;  // 1..100
  std::chrono::milliseconds slow_call{0};  // > 0: slower calls count as failures
  std::chrono::milliseconds open_duration{5000};
  int half_open_calls = 3;  // trial calls in half_open
};

struct BreakerCounts {
  CircuitState state = CircuitState::kClosed;
  std::uint64_t to_open = 0;  // transitions into each state
  std::uint64_t to_half_open = 0;
  std::uint64_t to_closed = 0;
};

class CircuitBreaker {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // What Acquire() decided. A permitted call must be followed by exactly one Record() with it,
  // or a half_open trial slot stays taken.
  struct Permit {
    bool allowed = false;
    CircuitState state = CircuitState::kClosed;  // the state that decided
    std::uint64_t epoch = 0;  // which stint of that state; see Record()
  };

  explicit CircuitBreaker(BreakerConfig config, Clock clock = &std::chrono::steady_clock::now);

  Permit Acquire();

  // Records the outcome of a permitted call and returns the state afterwards. An outcome from
  // an earlier stint (a slow call let through while closed that ends after the circuit opened,
  // or after it closed and opened again) is ignored: it says nothing about the trials or the
  // window of the current one.
  CircuitState Record(const Permit& permit, bool failed, std::chrono::nanoseconds elapsed);

  CircuitState state();  // moves open -> half_open when the open time is over
  BreakerCounts counts();

 private:
  void MoveTo(CircuitState to);        // mu_ held
  void HalfOpenIfDue();                // mu_ held
  void RecordClosed(bool failed);      // mu_ held
  void RecordHalfOpen(bool failed);    // mu_ held

  const BreakerConfig config_;
  const Clock clock_;
  std::mutex mu_;
  CircuitState state_ = CircuitState::kClosed;
  std::uint64_t epoch_ = 0;  // bumped on every transition
  std::chrono::steady_clock::time_point opened_at_{};
  std::vector<bool> window_;   // ring of outcomes while closed; true: failure
  std::size_t next_ = 0;       // ring position of the next outcome
  std::size_t recorded_ = 0;   // outcomes in the ring (<= window)
  std::size_t failures_ = 0;   // failures in the ring
  int trials_started_ = 0;     // half_open
  int trials_succeeded_ = 0;   // half_open
  BreakerCounts counts_;
};

}  // namespace sp::demo
