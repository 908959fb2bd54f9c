#include "core/chaos/circuit.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using sp::chaos::CircuitSignal;
using sp::chaos::CircuitTracker;

TEST_CASE("gauge: one trip per closed->open edge, open time summed") {
  CircuitTracker t(CircuitSignal::Gauge);
  t.OnSample(0, 0);
  t.OnSample(1, 0);
  t.OnSample(2, 1);  // opens
  t.OnSample(3, 1);  // still open: no new trip
  t.OnSample(4, 2);  // >= open_at: still the same open interval
  t.OnSample(5, 0);  // closes
  CHECK(t.trips() == 1);
  CHECK_FALSE(t.open());
  CHECK(t.time_open_s() == Approx(3.0));
  t.OnSample(6, 1);  // opens again
  t.OnSample(7.5, 0);
  CHECK(t.trips() == 2);
  CHECK(t.time_open_s() == Approx(4.5));
  REQUIRE(t.intervals().size() == 2);
  CHECK(t.intervals()[0].start_s == 2);
  CHECK(t.intervals()[0].end_s == 5);
  CHECK(t.intervals()[1].start_s == 6);
  CHECK(t.intervals()[1].end_s == 7.5);
  CHECK(t.missing() == 0);
}

TEST_CASE("gauge: a breaker open at the end is closed by Finish") {
  CircuitTracker t(CircuitSignal::Gauge);
  t.OnSample(0, 1);  // open from the first sample: a trip (observed opening)
  t.OnSample(1, 0);
  t.OnSample(2, 1);
  CHECK(t.open());
  REQUIRE(t.intervals().size() == 2);
  CHECK(t.intervals()[1].end_s < 0);      // still open
  t.OnSample(4, 1);
  CHECK(t.time_open_s() == Approx(3.0));  // 1 + (4 - 2) so far
  t.Finish(10);
  CHECK(t.trips() == 2);
  CHECK(t.intervals()[1].end_s == 10);
  CHECK(t.time_open_s() == Approx(9.0));  // 1 + 8
  // Nothing changes after Finish.
  t.OnSample(11, 0);
  t.Finish(20);
  CHECK(t.time_open_s() == Approx(9.0));
  CHECK(t.trips() == 2);
}

TEST_CASE("gauge: custom threshold") {
  CircuitTracker t(CircuitSignal::Gauge, 2.0);  // e.g. resilience4j state code 2 = open
  t.OnSample(0, 0);
  t.OnSample(1, 1);  // half-open-ish: below the threshold
  CHECK_FALSE(t.open());
  t.OnSample(2, 2);
  CHECK(t.open());
  t.Finish(3);
  CHECK(t.trips() == 1);
  CHECK(t.time_open_s() == Approx(1.0));
}

TEST_CASE("gauge: OpenWithin on partial overlaps") {
  CircuitTracker t(CircuitSignal::Gauge);
  t.OnSample(0, 0);
  t.OnSample(2, 1);
  t.OnSample(5, 0);  // open [2, 5)
  t.OnSample(8, 1);
  t.OnSample(9, 0);  // open [8, 9)
  t.OnSample(12, 1);  // open [12, ...)
  CHECK(t.OpenWithin(0, 2) == Approx(0));
  CHECK(t.OpenWithin(0, 3) == Approx(1));
  CHECK(t.OpenWithin(3, 4) == Approx(1));
  CHECK(t.OpenWithin(4, 8.5) == Approx(1.5));
  CHECK(t.OpenWithin(0, 100) == Approx(4));    // still open interval counts up to t=12
  CHECK(t.OpenWithin(5, 8) == Approx(0));
  CHECK(t.OpenWithin(4, 3) == 0);              // empty range
  t.Finish(15);
  CHECK(t.OpenWithin(0, 100) == Approx(7));
  CHECK(t.OpenWithin(13, 14) == Approx(1));
  CHECK(t.OpenWithin(14, 20) == Approx(1));
}

TEST_CASE("gauge: missing samples are counted and keep the state") {
  CircuitTracker t(CircuitSignal::Gauge);
  t.OnSample(0, 1);
  t.OnMissing(1);
  t.OnMissing(2);
  CHECK(t.open());
  CHECK(t.missing() == 2);
  CHECK(t.trips() == 1);
  t.OnSample(3, 1);  // still the same interval, not a second trip
  t.OnSample(4, 0);
  CHECK(t.trips() == 1);
  CHECK(t.time_open_s() == Approx(4));
  t.OnSample(5, std::numeric_limits<double>::quiet_NaN());  // NaN: missing too
  CHECK(t.missing() == 3);
  CHECK_FALSE(t.open());
  CHECK(t.samples() == 3);
}

TEST_CASE("gauge: samples going back in time are ignored") {
  CircuitTracker t(CircuitSignal::Gauge);
  t.OnSample(5, 1);
  t.OnSample(4, 0);
  CHECK(t.open());
  t.OnSample(6, 0);
  CHECK(t.time_open_s() == Approx(1));
}

TEST_CASE("counter: increases are trips, the first sample is the starting point") {
  CircuitTracker t(CircuitSignal::Counter);
  t.OnSample(0, 5);  // 5 transitions before the run: not ours
  CHECK(t.trips() == 0);
  t.OnSample(1, 5);
  t.OnSample(2, 7);
  CHECK(t.trips() == 2);
  t.OnMissing(3);
  t.OnSample(4, 8);
  CHECK(t.trips() == 3);
  CHECK(t.missing() == 1);
  CHECK(t.time_open_s() < 0);  // unknown from a counter
  CHECK(t.time_open_s() == -1);
  CHECK(t.OpenWithin(0, 10) == 0);
  CHECK(t.intervals().empty());
  CHECK_FALSE(t.open());
  t.Finish(5);
  CHECK(t.trips() == 3);
}

TEST_CASE("counter: a drop is a reset (process restarted), not negative trips") {
  CircuitTracker t(CircuitSignal::Counter);
  t.OnSample(0, 10);
  t.OnSample(1, 12);  // +2
  t.OnSample(2, 1);   // restarted, counted 1 since
  CHECK(t.trips() == 3);
  CHECK(t.resets() == 1);
  t.OnSample(3, 0);   // restarted again, nothing since
  CHECK(t.trips() == 3);
  CHECK(t.resets() == 2);
  t.OnSample(4, 4);
  CHECK(t.trips() == 7);
  // Micrometer prints counters as floats.
  CircuitTracker f(CircuitSignal::Counter);
  f.OnSample(0, 1.0);
  f.OnSample(1, 3.0);
  CHECK(f.trips() == 2);
}

TEST_CASE("counter: no samples, or only one, is zero trips") {
  CircuitTracker t(CircuitSignal::Counter);
  t.OnMissing(0);
  t.Finish(1);
  CHECK(t.trips() == 0);
  CHECK(t.missing() == 1);
  CircuitTracker g(CircuitSignal::Gauge);
  g.Finish(1);
  CHECK(g.trips() == 0);
  CHECK(g.time_open_s() == 0);
}
