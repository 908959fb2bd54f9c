#include "demo/guarded_upstream.h"

#include <utility>

namespace sp::demo {
namespace {

void Bump(std::atomic<std::uint64_t>& n) { n.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

GuardedUpstream::GuardedUpstream(UpstreamTarget target, std::chrono::milliseconds timeout,
                                 BreakerConfig breaker, std::size_t max_idle_connections)
    : client_(std::move(target), timeout, max_idle_connections), breaker_(breaker) {}

BotReply GuardedUpstream::Ask(const std::string& text, CircuitState* state_after) {
  CircuitBreaker::Permit permit = breaker_.Acquire();
  if (!permit.allowed) {
    Bump(rejected_);
    *state_after = permit.state;
    return {503, permit.state == CircuitState::kOpen
                     ? "circuit open"
                     : "circuit half-open, trial calls in progress"};
  }
  const auto start = std::chrono::steady_clock::now();
  // Ask() catches everything itself, so the permit is always recorded: a half_open trial slot
  // that was never given back would keep the circuit half-open for good.
  UpstreamAnswer answer = client_.Ask(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  *state_after =
      breaker_.Record(permit, answer.outcome != UpstreamAnswer::Outcome::kOk, elapsed);
  switch (answer.outcome) {
    case UpstreamAnswer::Outcome::kOk:
      Bump(ok_);
      return {200, std::move(answer.reply)};
    case UpstreamAnswer::Outcome::kTimeout:
      Bump(timeout_);
      return {504, "upstream timeout: " + answer.detail};
    case UpstreamAnswer::Outcome::kError:
      break;
  }
  Bump(error_);
  return {502, "upstream error: " + answer.detail};
}

CircuitCounts GuardedUpstream::Counts() {
  BreakerCounts b = breaker_.counts();
  CircuitCounts c;
  c.state = CircuitStateName(b.state);
  c.to_open = b.to_open;
  c.to_half_open = b.to_half_open;
  c.to_closed = b.to_closed;
  c.ok = ok_.load(std::memory_order_relaxed);
  c.error = error_.load(std::memory_order_relaxed);
  c.timeout = timeout_.load(std::memory_order_relaxed);
  c.rejected = rejected_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace sp::demo
