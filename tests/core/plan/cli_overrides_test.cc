#include <catch2/catch.hpp>

#include "test_util.h"

using namespace sp::plan;
using namespace std::chrono;
using sp::plan::test::Load;

namespace {
const std::string kPlan = std::string(sp::plan::test::kMinimal) +
                          "profiles:\n"
                          "  steps:\n"
                          "    stages:\n"
                          "      - {duration: 10s, users: 5}\n"
                          "      - {duration: 20s, users: 15, spawn_rate: 2}\n"
                          "profile: steps\n";
}

TEST_CASE("cli: --profile selects, with did-you-mean", "[cli]") {
  LoadOptions options;
  options.profile = "spike";
  auto l = Load(kPlan, options);
  INFO(l.text());
  REQUIRE(l.ok);
  CHECK(l.plan.profile == "spike");

  options.profile = "spkie";
  l = Load(kPlan, options);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() ==
        "--profile: unknown profile \"spkie\" (did you mean \"spike\"?); known profiles: ramp_up, "
        "soak, spike, steps, sustained");
}

TEST_CASE("cli: --users and --duration replace the stages by one", "[cli]") {
  LoadOptions options;
  options.users = 40;
  auto l = Load(kPlan, options);
  INFO(l.text());
  REQUIRE(l.ok);
  const Profile& p = l.plan.profiles.at("steps");
  REQUIRE(p.stages.size() == 1);
  CHECK(p.stages[0].users == 40);
  CHECK(p.stages[0].duration == seconds(30));  // the profile's total
  CHECK_FALSE(p.stages[0].spawn_rate);
  CHECK(p.stages[0].loc.str() == "--users 40");
  // Other profiles are untouched.
  CHECK(l.plan.profiles.at("spike").stages.size() == 3);

  options = {};
  options.duration = "2m";
  l = Load(kPlan, options);
  REQUIRE(l.ok);
  const Profile& q = l.plan.profiles.at("steps");
  REQUIRE(q.stages.size() == 1);
  CHECK(q.stages[0].users == 15);  // the profile's max
  CHECK(q.stages[0].duration == minutes(2));

  options.users = 3;
  options.profile = "soak";
  l = Load(kPlan, options);
  REQUIRE(l.ok);
  REQUIRE(l.plan.profiles.at("soak").stages.size() == 1);
  CHECK(l.plan.profiles.at("soak").stages[0].users == 3);
  CHECK(l.plan.profiles.at("soak").stages[0].duration == minutes(2));
  CHECK(l.plan.profiles.at("steps").stages.size() == 2);
}

TEST_CASE("cli: --spawn-rate sets every stage of the selected profile", "[cli]") {
  LoadOptions options;
  options.spawn_rate = "120/m";
  auto l = Load(kPlan, options);
  INFO(l.text());
  REQUIRE(l.ok);
  for (const Stage& s : l.plan.profiles.at("steps").stages) {
    REQUIRE(s.spawn_rate);
    CHECK(*s.spawn_rate == 2.0);
  }
  options.spawn_rate = "7";
  options.users = 10;
  l = Load(kPlan, options);
  REQUIRE(l.ok);
  REQUIRE(l.plan.profiles.at("steps").stages.size() == 1);
  CHECK(*l.plan.profiles.at("steps").stages[0].spawn_rate == 7.0);
}

TEST_CASE("cli: --host sets target.base_url", "[cli]") {
  LoadOptions options;
  options.host = "http://10.0.0.1:9000";
  options.sets = {"target.base_url=http://ignored"};
  auto l = Load(kPlan, options);
  INFO(l.text());
  REQUIRE(l.ok);
  const Value* url = l.plan.target.options.find("base_url");
  REQUIRE(url);
  CHECK(url->scalar == "http://10.0.0.1:9000");
  CHECK(url->quoted);
  CHECK(url->loc.str() == "--host http://10.0.0.1:9000");
}

TEST_CASE("cli: bad flags are all reported", "[cli]") {
  const LoadOptions options{.users = 0, .duration = "10", .spawn_rate = "0/s", .host = ""};
  auto l = Load(kPlan, options);
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 4);
  CHECK(l.errors[0].str() == "--users: must be >= 1, got 0");
  CHECK(l.errors[1].str() ==
        "--duration: duration \"10\" has no unit: write a number with a unit: ns, us, ms, s, m or h (e.g. 500ms, 30s, 1h30m)");
  CHECK(l.errors[2].str() == "--spawn-rate: must be more than 0 users per second, got \"0/s\"");
  CHECK(l.errors[3].str() == "--host: needs a URL, e.g. --host http://127.0.0.1:8089");

  const LoadOptions zero{.duration = "0s"};
  l = Load(kPlan, zero);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() == "--duration: must be longer than 0, got \"0s\"");
}
