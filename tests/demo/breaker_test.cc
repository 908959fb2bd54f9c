// The breaker's state machine, driven by a fake clock: no sleeping, no network.
#include "demo/breaker.h"

#include <catch2/catch.hpp>

namespace sp::demo {
namespace {

using std::chrono::milliseconds;
using Time = std::chrono::steady_clock::time_point;

struct Fixture {
  Time now{};
  BreakerConfig config;
  Fixture() {
    config.window = 4;
    config.min_calls = 4;
    config.failure_rate_percent = 50;
    config.open_duration = milliseconds(1000);
    config.half_open_calls = 2;
  }
  CircuitBreaker Make() {
    return CircuitBreaker(config, [this] { return now; });
  }
};

// One call through the breaker; false when it was rejected.
bool Call(CircuitBreaker& b, bool failed, milliseconds took = milliseconds(1)) {
  auto permit = b.Acquire();
  if (!permit.allowed) return false;
  b.Record(permit, failed, took);
  return true;
}

TEST_CASE("breaker stays closed below the minimum number of calls") {
  Fixture f;
  auto b = f.Make();
  for (int i = 0; i < 3; ++i) REQUIRE(Call(b, true));
  CHECK(b.state() == CircuitState::kClosed);
  REQUIRE(Call(b, true));  // the 4th call reaches min_calls: 100% failures
  CHECK(b.state() == CircuitState::kOpen);
  CHECK(b.counts().to_open == 1);
}

TEST_CASE("breaker opens at the failure rate threshold, not below") {
  Fixture f;
  auto b = f.Make();
  Call(b, false);
  Call(b, false);
  Call(b, false);
  Call(b, true);  // 1 of 4 = 25%
  CHECK(b.state() == CircuitState::kClosed);
  Call(b, true);  // the last 4: false,false,true,true = 50%
  CHECK(b.state() == CircuitState::kOpen);
}

TEST_CASE("old outcomes leave the sliding window") {
  Fixture f;
  auto b = f.Make();
  for (int i = 0; i < 4; ++i) Call(b, false);
  Call(b, true);  // 1 of the last 4 (1 of 5 since the start)
  CHECK(b.state() == CircuitState::kClosed);
  Call(b, true);  // 2 of the last 4 = 50%, although only 2 of 6 since the start
  CHECK(b.state() == CircuitState::kOpen);
}

TEST_CASE("min_calls above the window is capped at the window") {
  Fixture f;
  f.config.min_calls = 100;
  auto b = f.Make();
  for (int i = 0; i < 4; ++i) Call(b, true);
  CHECK(b.state() == CircuitState::kOpen);
}

TEST_CASE("open rejects until the open time is over, then half-opens") {
  Fixture f;
  auto b = f.Make();
  for (int i = 0; i < 4; ++i) Call(b, true);
  REQUIRE(b.state() == CircuitState::kOpen);
  f.now += milliseconds(999);
  auto rejected = b.Acquire();
  CHECK_FALSE(rejected.allowed);
  CHECK(rejected.state == CircuitState::kOpen);
  f.now += milliseconds(1);
  CHECK(b.state() == CircuitState::kHalfOpen);
  CHECK(b.counts().to_half_open == 1);
}

TEST_CASE("half-open lets the trial calls through and closes when all succeed") {
  Fixture f;
  auto b = f.Make();
  for (int i = 0; i < 4; ++i) Call(b, true);
  f.now += milliseconds(1000);
  auto t1 = b.Acquire();
  auto t2 = b.Acquire();
  auto t3 = b.Acquire();
  CHECK(t1.allowed);
  CHECK(t2.allowed);
  CHECK_FALSE(t3.allowed);  // only half_open_calls trials at once
  CHECK(t3.state == CircuitState::kHalfOpen);
  CHECK(b.Record(t1, false, milliseconds(1)) == CircuitState::kHalfOpen);
  CHECK(b.Record(t2, false, milliseconds(1)) == CircuitState::kClosed);
  auto c = b.counts();
  CHECK(c.to_open == 1);
  CHECK(c.to_half_open == 1);
  CHECK(c.to_closed == 1);
  // The window starts empty: three failures are below min_calls again.
  for (int i = 0; i < 3; ++i) Call(b, true);
  CHECK(b.state() == CircuitState::kClosed);
}

TEST_CASE("a failed trial opens the circuit again for a full open time") {
  Fixture f;
  auto b = f.Make();
  for (int i = 0; i < 4; ++i) Call(b, true);
  f.now += milliseconds(1000);
  REQUIRE(Call(b, false));
  REQUIRE(Call(b, true) == true);
  CHECK(b.state() == CircuitState::kOpen);
  CHECK(b.counts().to_open == 2);
  f.now += milliseconds(999);
  CHECK(b.state() == CircuitState::kOpen);
  f.now += milliseconds(1);
  CHECK(b.state() == CircuitState::kHalfOpen);
}

TEST_CASE("slow calls count as failures when slow_call is set") {
  Fixture f;
  f.config.slow_call = milliseconds(100);
  auto b = f.Make();
  for (int i = 0; i < 3; ++i) Call(b, false, milliseconds(100));  // not slower than 100 ms
  Call(b, false, milliseconds(101));
  CHECK(b.state() == CircuitState::kClosed);
  Call(b, false, milliseconds(500));
  CHECK(b.state() == CircuitState::kOpen);
}

TEST_CASE("an outcome from an earlier stint is ignored") {
  Fixture f;
  auto b = f.Make();
  auto slow = b.Acquire();  // let through while closed
  for (int i = 0; i < 4; ++i) Call(b, true);
  f.now += milliseconds(1000);
  REQUIRE(b.state() == CircuitState::kHalfOpen);
  // It ends during half_open: it must neither fail nor pass a trial.
  CHECK(b.Record(slow, true, milliseconds(1)) == CircuitState::kHalfOpen);
  CHECK(Call(b, false));
  CHECK(Call(b, false));
  CHECK(b.state() == CircuitState::kClosed);
}

TEST_CASE("state names match the header and metrics spelling") {
  CHECK(std::string(CircuitStateName(CircuitState::kClosed)) == "closed");
  CHECK(std::string(CircuitStateName(CircuitState::kOpen)) == "open");
  CHECK(std::string(CircuitStateName(CircuitState::kHalfOpen)) == "half_open");
}

}  // namespace
}  // namespace sp::demo
