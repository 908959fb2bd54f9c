// The closed-model timeline and scenario picking.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/run/load_model.h"
#include "core/run/schedule.h"

#include <algorithm>

using sp::plan::Stage;
using namespace std::chrono_literals;

namespace {

Stage MakeStage(std::chrono::nanoseconds d, int users, std::optional<double> rate = std::nullopt) {
  Stage s;
  s.duration = d;
  s.users = users;
  s.spawn_rate = rate;
  return s;
}

constexpr uint64_t kSec = 1'000'000'000;

}  // namespace

using sp::run::StageClock;
using sp::run::UsersWithin;

// Users at time t of a profile whose stages all run their full duration.
int UsersAt(StageClock& clock, uint64_t t) {
  clock.Advance(t);
  size_t k = std::min(clock.current(), clock.count() - 1);
  uint64_t in_stage = std::min(t, clock.end_ns(k)) - clock.start_ns(k);
  return UsersWithin(clock.stages()[k], clock.from_users(k), in_stage);
}

TEST_CASE("stages without a spawn rate switch users at their start") {
  StageClock c({MakeStage(10s, 5), MakeStage(5s, 20), MakeStage(5s, 2)});
  c.Start(0);
  CHECK(c.planned_total_ns() == 20 * kSec);
  CHECK(UsersAt(c, 0) == 5);
  CHECK(UsersAt(c, 10 * kSec - 1) == 5);
  CHECK(UsersAt(c, 10 * kSec) == 20);
  CHECK(c.current() == 1);
  CHECK(UsersAt(c, 15 * kSec) == 2);
  CHECK(c.MaxSlots() == 20);
  CHECK(c.Advance(20 * kSec));  // over
}

TEST_CASE("a ramp from 0 to 100 users over 10 s stays within 1 user of the line") {
  StageClock c({MakeStage(10s, 100, 10.0)});
  c.Start(0);
  for (uint64_t ms = 0; ms <= 10'000; ms += 50) {
    double line = 10.0 * static_cast<double>(ms) / 1000.0;
    int users = UsersAt(c, ms * 1'000'000);
    INFO("at " << ms << " ms: " << users << " users, line " << line);
    CHECK(std::abs(users - line) <= 1.0);
  }
}

TEST_CASE("ramping down continues from where the previous stage ended") {
  // The first stage only reaches 30 of its 50 users (3/s for 10 s).
  StageClock c({MakeStage(10s, 50, 3.0), MakeStage(10s, 0, 5.0)});
  c.Start(0);
  CHECK(UsersAt(c, 10 * kSec - 1) == 29);
  CHECK(UsersAt(c, 10 * kSec) == 30);
  CHECK(c.from_users(1) == 30);
  CHECK(UsersAt(c, 12 * kSec) == 20);
  CHECK(UsersAt(c, 16 * kSec) == 0);
  CHECK(c.MaxSlots() == 50);
}

TEST_CASE("a stage with iterations ends when they are done, and the next starts then") {
  Stage limited = MakeStage(60s, 4);
  limited.iterations = 10;
  StageClock c({limited, MakeStage(5s, 2)});
  c.Start(1000);
  CHECK_FALSE(c.Advance(2 * kSec));
  CHECK(c.current() == 0);
  c.completed(0) = 10;
  CHECK_FALSE(c.Advance(3 * kSec));
  CHECK(c.current() == 1);
  CHECK(c.start_ns(1) == 3 * kSec);
  CHECK(c.end_ns(1) == 8 * kSec);
  CHECK(c.Advance(8 * kSec));
}

TEST_CASE("open stages: arrival times invert the rate function") {
  Stage open;
  open.duration = 10s;
  open.rate = 1000.0;
  open.max_concurrency = 50;
  // Constant rate: 10 000 arrivals in 10 s, the n-th at n/1000 s.
  CHECK(sp::run::ArrivalSeconds(open, 0) == 0.0);
  CHECK(sp::run::ArrivalSeconds(open, 2500) == Approx(2.5));
  CHECK(sp::run::ArrivalSeconds(open, 9999) < 10.0);
  CHECK(sp::run::ArrivalSeconds(open, 10000) == Approx(10.0));
  CHECK(sp::run::PlannedArrivals(open) == Approx(10000));
  // Ramp 0 -> 100/s over 10 s: N(t) = 5 t^2, so arrival 500 (the last) is at 10 s, 125 at 5 s.
  open.rate = 1e-9;
  open.ramp_to = 100.0;
  CHECK(sp::run::ArrivalSeconds(open, 125) == Approx(5.0).epsilon(1e-6));
  CHECK(sp::run::PlannedArrivals(open) == Approx(500).epsilon(1e-6));
  // Ramp down 100 -> 0: 500 arrivals in total, then none.
  open.rate = 100.0;
  open.ramp_to = 0.0;
  CHECK(sp::run::ArrivalSeconds(open, 499) < 10.0);
  CHECK(sp::run::ArrivalSeconds(open, 501) < 0);
  StageClock c({open, MakeStage(1s, 3)});
  CHECK(c.MaxSlots() == 50);
}

TEST_CASE("scenarios are picked in proportion to their weights") {
  sp::plan::Plan plan;
  for (auto [name, w] : {std::pair{"a", 8.0}, std::pair{"b", 2.0}}) {
    sp::plan::Scenario sc;
    sc.name = name;
    sc.weight = w;
    sc.requests.resize(2);
    sc.requests[0].name = "one";
    sc.requests[1].name = "two";
    plan.scenarios.push_back(sc);
  }
  plan.profile = "p";
  plan.profiles["p"].stages = {MakeStage(10s, 5)};
  auto m = sp::run::LoadModel::FromPlan(plan);
  REQUIRE(m.step_names.size() == 4);
  CHECK(m.step_names[2] == "b/one");
  CHECK(m.scenarios[1].first_step == 2);
  REQUIRE(m.workloads.size() == 1);  // a stages: profile is one workload of every scenario
  const sp::run::WorkloadModel& w = m.workloads[0];
  int a = 0;
  for (int i = 0; i < 1000; ++i) a += w.PickScenario(i / 1000.0) == 0;
  CHECK(a == 800);
  CHECK(w.PickScenario(0.999999) == 1);
}

TEST_CASE("each workload picks from its own mix and has its own stages and user ids") {
  sp::plan::Plan plan;
  for (const char* name : {"a", "b", "c"}) {
    sp::plan::Scenario sc;
    sc.name = name;
    sc.weight = 5;
    sc.requests.resize(1);
    sc.requests[0].name = "r";
    plan.scenarios.push_back(sc);
  }
  sp::plan::Workload only_c;  // the list form: its scenario with its own weight
  only_c.name = "only_c";
  only_c.mix = {{"c", 5.0}};
  only_c.stages = {MakeStage(10s, 3), MakeStage(10s, 7)};
  sp::plan::Workload a_and_b;  // the map form: weights of its own
  a_and_b.name = "a_and_b";
  a_and_b.mix = {{"a", 1.0}, {"b", 3.0}};
  a_and_b.stages = {MakeStage(5s, 4)};
  plan.profile = "p";
  plan.profiles["p"].workloads = {only_c, a_and_b};
  auto m = sp::run::LoadModel::FromPlan(plan);
  REQUIRE(m.workloads.size() == 2);
  CHECK(m.WorkloadIndex("a_and_b") == 1);
  CHECK(m.WorkloadIndex("nope") == -1);
  const auto& c = m.workloads[0];
  const auto& ab = m.workloads[1];
  CHECK(c.first_stage == 0);
  CHECK(c.stage_count == 2);
  CHECK(ab.first_stage == 2);
  CHECK(c.first_vu == 0);
  CHECK(ab.first_vu == 7);  // after only_c's 7 user slots: vu ids never collide
  for (int i = 0; i < 100; ++i) CHECK(c.PickScenario(i / 100.0) == 2);
  int a = 0, b = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint32_t pick = ab.PickScenario(i / 1000.0);
    a += pick == 0;
    b += pick == 1;
  }
  CHECK(a == 250);
  CHECK(b == 750);
}

// A segmented StageClock (segment.h) against the whole plan's: across every segment, the users
// at each moment, the open slots and starts, the iteration limits add up to the plan's.
TEST_CASE("a segmented stage clock gives each segment its part of every count", "[segment]") {
  using sp::run::Segment;
  Stage ramp = MakeStage(4s, 10, 3.0);  // 0 -> 10 users at 3/s
  Stage bounded = MakeStage(5s, 7);
  bounded.iterations = 100;
  Stage open;
  open.duration = 3s;
  open.rate = 1000.0;
  open.ramp_to = 3000.0;
  open.max_concurrency = 5;
  const std::vector<Stage> stages{ramp, bounded, open};
  const StageClock whole(stages);
  for (uint32_t n : {1u, 3u, 7u, 12u}) {
    INFO("segments: " << n);
    std::vector<std::unique_ptr<StageClock>> clocks;
    for (uint32_t i = 0; i < n; ++i)
      clocks.push_back(std::make_unique<StageClock>(stages, Segment{i, n}));
    for (uint64_t t = 0; t <= 4 * kSec; t += kSec / 100) {
      int users = 0;
      for (const auto& c : clocks) users += c->UsersAt(0, t);
      REQUIRE(users == whole.UsersAt(0, t));
    }
    int slots = 0, concurrency = 0;
    uint64_t starts = 0, iterations = 0;
    double rate = 0;
    for (const auto& c : clocks) {
      slots += c->MaxSlots();
      concurrency += c->MaxConcurrency(2);
      starts += c->PlannedStarts(2);
      rate += c->PlannedRate(2);
      iterations += c->IterationLimit(1);
      // A segment with a part of the iterations has a user to run them.
      if (c->IterationLimit(1) > 0) CHECK(sp::run::ShareOf(7, c->segment()) > 0);
      CHECK(c->IterationLimit(0) == StageClock::kNoIterationLimit);
    }
    CHECK(slots == whole.MaxSlots());
    CHECK(concurrency == 5);
    CHECK(starts == whole.PlannedStarts(2));
    CHECK(starts == 6000);
    CHECK(rate == Approx(2000.0));
    CHECK(iterations == 100);
  }
}

TEST_CASE("a segmented stage clock ends a bounded stage at its own part of the iterations",
          "[segment]") {
  Stage bounded = MakeStage(10s, 2);
  bounded.iterations = 5;
  // 2 users over 4 segments: segments 0 and 1 have a user and 3 and 2 of the iterations; 2 and
  // 3 have neither, and their stage is over at once instead of waiting out its 10 s.
  StageClock first({bounded, MakeStage(1s, 1)}, sp::run::Segment{0, 4});
  StageClock idle({bounded, MakeStage(1s, 1)}, sp::run::Segment{3, 4});
  CHECK(first.IterationLimit(0) == 3);
  CHECK(idle.IterationLimit(0) == 0);
  first.Start(0);
  idle.Start(0);
  first.completed(0) = 2;
  CHECK_FALSE(first.Advance(kSec));
  CHECK(first.current() == 0);
  first.completed(0) = 3;
  first.Advance(2 * kSec);
  CHECK(first.current() == 1);
  idle.Advance(1);
  CHECK(idle.current() == 1);
}
