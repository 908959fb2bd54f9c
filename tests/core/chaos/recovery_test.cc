#include "core/chaos/recovery.h"

#include <catch2/catch.hpp>

using sp::chaos::Baseline;
using sp::chaos::BaselineFrom;
using sp::chaos::Describe;
using sp::chaos::RecoveryConfig;
using sp::chaos::RecoveryMeter;
using sp::chaos::RecoveryResult;
using sp::chaos::WindowStats;
using State = sp::chaos::RecoveryResult::State;

namespace {

// 1% errors, p95 20 ms: a good window has <= 2% errors and p95 <= max(30, 25) = 30 ms.
const Baseline kBase = BaselineFrom(1000, 10, 20);

WindowStats W(double start, uint64_t requests, uint64_t errors, double p95_ms,
              bool breaker_open = false) {
  WindowStats w;
  w.start_s = start;
  w.end_s = start + 1;
  w.requests = requests;
  w.errors = errors;
  w.p95_ms = p95_ms;
  w.breaker_open = breaker_open;
  return w;
}
WindowStats Good(double start) { return W(start, 100, 1, 22); }
WindowStats Bad(double start) { return W(start, 100, 50, 22); }

}  // namespace

TEST_CASE("BaselineFrom") {
  CHECK(kBase.valid);
  CHECK(kBase.error_rate == Approx(0.01));
  CHECK(kBase.p95_ms == 20);
  CHECK(kBase.requests == 1000);
  Baseline none = BaselineFrom(0, 0, 0);
  CHECK_FALSE(none.valid);
  CHECK(none.error_rate == 0);
}

TEST_CASE("recovers after exactly N good windows, timed from the first of them") {
  RecoveryMeter m(RecoveryConfig{}, kBase, 10);
  m.OnWindow(Bad(10));
  m.OnWindow(Good(11));
  m.OnWindow(Good(12));
  CHECK_FALSE(m.done());
  CHECK(m.result().state == State::Pending);
  CHECK(m.good_windows() == 2);
  m.OnWindow(Good(13));
  REQUIRE(m.done());
  CHECK(m.result().state == State::Recovered);
  CHECK(m.result().recovery_time_s == Approx(1.0));
  CHECK(m.result().recovered_at_s == Approx(11.0));
  CHECK(m.result().reason.empty());
  CHECK(Describe(m.result()) == "1.0 s");
  // Later windows change nothing.
  m.OnWindow(Bad(14));
  CHECK(m.result().state == State::Recovered);
  m.Finish(20);
  CHECK(m.result().state == State::Recovered);
}

TEST_CASE("good from the first window after the fault: recovery time 0") {
  RecoveryConfig cfg;
  cfg.windows = 1;
  RecoveryMeter m(cfg, kBase, 10);
  m.OnWindow(Good(10));
  CHECK(m.result().state == State::Recovered);
  CHECK(m.result().recovery_time_s == 0);
  CHECK(Describe(m.result()) == "0.0 s");
}

TEST_CASE("a bad window in the middle restarts the count") {
  RecoveryMeter m(RecoveryConfig{}, kBase, 10);
  m.OnWindow(Bad(10));
  m.OnWindow(Good(11));
  m.OnWindow(Good(12));
  m.OnWindow(W(13, 100, 1, 100));  // latency
  CHECK(m.good_windows() == 0);
  m.OnWindow(Good(14));
  m.OnWindow(Good(15));
  CHECK_FALSE(m.done());
  m.OnWindow(Good(16));
  CHECK(m.result().state == State::Recovered);
  CHECK(m.result().recovery_time_s == Approx(4.0));
  CHECK(Describe(m.result()) == "4.0 s");
}

TEST_CASE("the breaker seen open makes a window bad") {
  RecoveryMeter m(RecoveryConfig{}, kBase, 10);
  m.OnWindow(Good(10));
  m.OnWindow(W(11, 100, 0, 10, /*breaker_open=*/true));  // perfect numbers, breaker open
  CHECK(m.good_windows() == 0);
  CHECK(m.Violation(W(11, 100, 0, 10, true)) == "breaker open");
  m.OnWindow(Good(12));
  m.OnWindow(W(13, 0, 0, 0, /*breaker_open=*/true));  // no requests but the breaker open: bad
  CHECK(m.good_windows() == 0);
  m.OnWindow(Good(14));
  m.OnWindow(Good(15));
  m.OnWindow(Good(16));
  CHECK(m.result().recovery_time_s == Approx(4.0));
}

TEST_CASE("windows without requests are neither good nor bad") {
  RecoveryMeter m(RecoveryConfig{}, kBase, 10);
  m.OnWindow(Bad(10));
  m.OnWindow(Good(11));
  m.OnWindow(W(12, 0, 0, 0));  // empty: does not break the run...
  m.OnWindow(Good(13));
  CHECK_FALSE(m.done());       // ...and does not count as good
  CHECK(m.good_windows() == 2);
  CHECK(m.Violation(W(12, 0, 0, 0)) == "no requests");
  m.OnWindow(W(14, 0, 0, 0));
  m.OnWindow(Good(15));
  CHECK(m.result().state == State::Recovered);
  CHECK(m.result().recovery_time_s == Approx(1.0));
}

TEST_CASE("deadline passed: unrecovered with what the last bad window violated") {
  RecoveryConfig cfg;
  cfg.deadline_s = 5;
  RecoveryMeter m(cfg, BaselineFrom(1000, 5, 50), 10);  // limits: 1.5% errors, 75 ms
  for (int t = 10; t < 14; ++t) m.OnWindow(W(t, 100, 12, 60));
  CHECK_FALSE(m.done());
  m.OnWindow(W(14, 100, 12, 250));  // ends at 15 = the deadline: a run could still start at 15
  CHECK_FALSE(m.done());
  m.OnWindow(W(15, 100, 12, 60));   // ends at 16: no run can start by the deadline any more
  REQUIRE(m.done());
  CHECK(m.result().state == State::Unrecovered);
  CHECK(m.result().reason == "error rate 12% > 1.5%");
  CHECK(m.result().deadline_s == 5);
  CHECK(m.result().recovery_time_s == -1);
  CHECK(Describe(m.result()) == "unrecovered (deadline 5 s): error rate 12% > 1.5%");
}

TEST_CASE("deadline: a good run starting by the deadline may be confirmed after it") {
  RecoveryConfig cfg;
  cfg.deadline_s = 5;
  {
    RecoveryMeter m(cfg, kBase, 10);
    for (int t = 10; t < 15; ++t) m.OnWindow(Bad(t));
    m.OnWindow(Good(15));  // starts exactly at the deadline
    m.OnWindow(Good(16));
    m.OnWindow(Good(17));
    CHECK(m.result().state == State::Recovered);
    CHECK(m.result().recovery_time_s == Approx(5.0));
  }
  {
    RecoveryMeter m(cfg, kBase, 10);
    for (int t = 10; t < 14; ++t) m.OnWindow(Bad(t));
    m.OnWindow(W(14, 0, 0, 0));  // empty, ends at 15
    m.OnWindow(W(15, 0, 0, 0));  // empty, starts at 15: fine
    CHECK_FALSE(m.done());
    m.OnWindow(Good(16));        // too late to start the run
    CHECK(m.result().state == State::Unrecovered);
    CHECK(Describe(m.result()) == "unrecovered (deadline 5 s): error rate 50% > 2%");
  }
  {
    RecoveryMeter m(cfg, kBase, 10);
    for (int t = 10; t < 20; ++t) m.OnWindow(W(t, 0, 0, 0));  // nothing at all
    CHECK(m.result().state == State::Unrecovered);
    CHECK(m.result().reason == "no good window after the fault");
  }
}

TEST_CASE("violations are described with the limits") {
  RecoveryMeter m(RecoveryConfig{}, BaselineFrom(1000, 5, 50), 10);
  CHECK(m.Violation(W(10, 100, 1, 75)) == "");            // 1% <= 1.5%, 75 <= 75
  CHECK(m.Violation(W(10, 100, 12, 60)) == "error rate 12% > 1.5%");
  CHECK(m.Violation(W(10, 100, 1, 250)) == "p95 250 ms > 75 ms");
  CHECK(m.Violation(W(10, 4, 4, 80.26, true)) ==
        "breaker open, error rate 100% > 1.5%, p95 80.3 ms > 75 ms");
  // A fast baseline: the floor (baseline + 5 ms) wins over the factor.
  RecoveryMeter fast(RecoveryConfig{}, BaselineFrom(100, 0, 4), 10);
  CHECK(fast.Violation(W(10, 100, 0, 8.9)) == "");
  CHECK(fast.Violation(W(10, 100, 0, 9.5)) == "p95 9.5 ms > 9 ms");
  CHECK(fast.Violation(W(10, 100, 1, 1)) == "");           // 1% <= 0% + 1%
  CHECK(fast.Violation(W(10, 100, 2, 1)) == "error rate 2% > 1%");
}

TEST_CASE("an invalid baseline gives NoBaseline at once") {
  RecoveryMeter m(RecoveryConfig{}, BaselineFrom(0, 0, 0), 10);
  CHECK(m.done());
  CHECK(m.result().state == State::NoBaseline);
  m.OnWindow(Good(10));
  m.OnWindow(Good(11));
  m.OnWindow(Good(12));
  m.Finish(20);
  CHECK(m.result().state == State::NoBaseline);
  CHECK(Describe(m.result()) == "no baseline: no requests completed before the fault to compare with");
}

TEST_CASE("windows ending at or before the fault's end are ignored") {
  RecoveryMeter m(RecoveryConfig{}, kBase, 10);
  m.OnWindow(Good(7));
  m.OnWindow(Good(8));
  m.OnWindow(Good(9));  // ends exactly at 10
  CHECK_FALSE(m.done());
  CHECK(m.good_windows() == 0);
  // A window straddling the fault's end counts; the recovery time is clamped at 0.
  m.OnWindow(Good(9.5));
  m.OnWindow(Good(10.5));
  m.OnWindow(Good(11.5));
  CHECK(m.result().state == State::Recovered);
  CHECK(m.result().recovery_time_s == 0);
  CHECK(m.result().recovered_at_s == 10);
}

TEST_CASE("Finish before recovery: unrecovered, saying when the run ended") {
  {
    RecoveryMeter m(RecoveryConfig{}, kBase, 10);
    m.OnWindow(Bad(10));
    m.OnWindow(Good(11));
    m.OnWindow(Good(12));
    m.Finish(12.5);
    CHECK(m.result().state == State::Unrecovered);
    CHECK(m.result().deadline_s == -1);
    CHECK(m.result().reason == "run ended 2.5 s after the fault, before recovery (2 of 3 good windows)");
    CHECK(Describe(m.result()) ==
          "unrecovered: run ended 2.5 s after the fault, before recovery (2 of 3 good windows)");
  }
  {
    RecoveryMeter m(RecoveryConfig{}, kBase, 10);
    m.OnWindow(Bad(10));
    m.OnWindow(Bad(11));
    m.Finish(12);
    CHECK(m.result().reason ==
          "run ended 2 s after the fault, before recovery; last bad window: error rate 50% > 2%");
  }
  {
    RecoveryMeter m(RecoveryConfig{}, kBase, 10);
    m.Finish(8);  // the run ended before the fault did
    CHECK(m.result().reason == "run ended 0 s after the fault, before recovery");
  }
  {
    RecoveryConfig cfg;
    cfg.deadline_s = 5;
    RecoveryMeter m(cfg, kBase, 10);
    m.OnWindow(Bad(10));
    m.Finish(40);  // windows stopped coming, the run went past the deadline
    CHECK(Describe(m.result()) == "unrecovered (deadline 5 s): error rate 50% > 2%");
  }
}

TEST_CASE("Describe: pending") {
  RecoveryResult r;
  CHECK(Describe(r) == "pending");
}
