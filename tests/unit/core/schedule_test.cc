// The closed-model timeline and scenario picking.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/run/load_model.h"
#include "core/run/schedule.h"

using sp::plan::Stage;
using sp::run::Schedule;
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

TEST_CASE("stages without a spawn rate switch users at their start") {
  Schedule s({MakeStage(10s, 5), MakeStage(5s, 20), MakeStage(5s, 2)});
  CHECK(s.total_ns() == 20 * kSec);
  CHECK(s.UsersAt(0) == 5);
  CHECK(s.UsersAt(10 * kSec - 1) == 5);
  CHECK(s.UsersAt(10 * kSec) == 20);
  CHECK(s.UsersAt(15 * kSec) == 2);
  CHECK(s.StageAt(12 * kSec) == 1);
  CHECK(s.MaxUsers() == 20);
}

TEST_CASE("a ramp from 0 to 100 users over 10 s stays within 1 user of the line") {
  Schedule s({MakeStage(10s, 100, 10.0)});
  for (uint64_t ms = 0; ms <= 10'000; ms += 50) {
    double line = 10.0 * static_cast<double>(ms) / 1000.0;
    int users = s.UsersAt(ms * 1'000'000);
    INFO("at " << ms << " ms: " << users << " users, line " << line);
    CHECK(std::abs(users - line) <= 1.0);
  }
  CHECK(s.UsersAt(10 * kSec) == 100);
}

TEST_CASE("ramping down continues from where the previous stage ended") {
  // The first stage only reaches 30 of its 50 users (3/s for 10 s).
  Schedule s({MakeStage(10s, 50, 3.0), MakeStage(10s, 0, 5.0)});
  CHECK(s.UsersAt(10 * kSec - 1) == 29);
  CHECK(s.UsersAt(10 * kSec) == 30);
  CHECK(s.UsersAt(12 * kSec) == 20);
  CHECK(s.UsersAt(16 * kSec) == 0);
  CHECK(s.MaxUsers() == 50);
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
  auto m = sp::run::LoadModel::FromPlan(plan);
  REQUIRE(m.step_names.size() == 4);
  CHECK(m.step_names[2] == "b/one");
  CHECK(m.scenarios[1].first_step == 2);
  int a = 0;
  for (int i = 0; i < 1000; ++i) a += m.PickScenario(i / 1000.0) == 0;
  CHECK(a == 800);
  CHECK(m.PickScenario(0.999999) == 1);
}
