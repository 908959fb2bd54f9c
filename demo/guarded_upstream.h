// The webhook's upstream behind its circuit breaker: asks the breaker, calls the upstream (or
// not), tells the breaker how it went, and turns the outcome into the bot's reply:
//   upstream ok          200 and its reply
//   upstream error       502   (connection refused/reset, a non-200 answer, a bad body)
//   upstream timeout     504   (no complete answer within --upstream-timeout)
//   breaker open         503 "circuit open", at once and without calling the upstream
//   half_open, no slot   503 "circuit half-open, trial calls in progress"
// and counts calls by outcome for /stats, /metrics and the final report.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "demo/breaker.h"
#include "demo/stats.h"
#include "demo/upstream_client.h"
#include "demo/webhook.h"

namespace sp::demo {

class GuardedUpstream {
 public:
  GuardedUpstream(UpstreamTarget target, std::chrono::milliseconds timeout, BreakerConfig breaker,
                  std::size_t max_idle_connections);

  // The reply to one message text, and the circuit's state after it (for X-Circuit-State).
  BotReply Ask(const std::string& text, CircuitState* state_after);

  CircuitState state() { return breaker_.state(); }
  CircuitCounts Counts();

 private:
  UpstreamClient client_;
  CircuitBreaker breaker_;
  // Relaxed atomics: exact counts, no ordering needed between them.
  std::atomic<std::uint64_t> ok_{0}, error_{0}, timeout_{0}, rejected_{0};
};

}  // namespace sp::demo
