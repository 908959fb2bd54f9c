// Profiles with workloads (core/plan/profile_schema.cc): several named workloads that run at
// once, each with its scenarios, stages and start; every mistake located at its key.
#include <catch2/catch.hpp>

#include "core/plan/profiles.h"
#include "test_util.h"

using namespace sp::plan;
using namespace sp::plan::test;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

// Three scenarios (the third has weight 2) to mix in workloads.
const char* kScenarios =
    "target: {plugin: http, base_url: http://127.0.0.1:8089}\n"                // 1
    "scenarios:\n"                                                             // 2
    "  - {name: browse, requests: [{name: home, path: /}]}\n"                  // 3
    "  - {name: search, requests: [{name: q, path: /q}]}\n"                    // 4
    "  - {name: checkout, weight: 2, requests: [{name: pay, path: /pay}]}\n";  // 5

}  // namespace

TEST_CASE("workloads: each with its scenarios, stages and start", "[workloads]") {
  auto l = Load(
      std::string(kScenarios) +
      "profiles:\n"
      "  shop:\n"
      "    workloads:\n"
      "      browse: {scenarios: [browse], stages: [{duration: 5m, users: 50}]}\n"
      "      api: {scenarios: {search: 3, checkout: 1}, stages: [{duration: 5m, rate: 200/s}]}\n"
      "      rush:\n"
      "        scenarios: [checkout, browse]\n"
      "        start: 2m\n"
      "        stages: [{duration: 30s, users: 200, spawn_rate: 100}]\n"
      "      all: {stages: [{duration: 10s, users: 1}]}\n"
      "profile: shop\n");
  INFO(l.text());
  REQUIRE(l.ok);
  const Profile& p = l.plan.profiles.at("shop");
  CHECK(p.stages.empty());
  REQUIRE(p.workloads.size() == 4);
  const Workload& browse = p.workloads[0];  // in the order written
  CHECK(browse.name == "browse");
  CHECK(browse.start == seconds(0));
  REQUIRE(browse.mix.size() == 1);
  CHECK(browse.mix[0] == std::pair<std::string, double>{"browse", 1.0});
  REQUIRE(browse.stages.size() == 1);
  CHECK(browse.stages[0].users == 50);
  const Workload& api = p.workloads[1];
  CHECK(api.mix == std::vector<std::pair<std::string, double>>{{"search", 3.0}, {"checkout", 1.0}});
  CHECK(api.stages[0].open());
  const Workload& rush = p.workloads[2];
  CHECK(rush.start == minutes(2));
  // The list form takes the scenarios' own weights.
  CHECK(rush.mix ==
        std::vector<std::pair<std::string, double>>{{"checkout", 2.0}, {"browse", 1.0}});
  CHECK(*rush.stages[0].spawn_rate == 100);
  CHECK(p.workloads[3].mix.empty());  // every scenario with its weight
  // The run lasts until the last workload ends: api at 5m (rush ends at 2m30s).
  CHECK(TotalDuration(p) == minutes(5));
  CHECK(WorkloadsOf(p).size() == 4);
}

TEST_CASE("workloads: a stages: profile is one workload without a name", "[workloads]") {
  const Profile spike = BuiltinProfiles().at("spike");
  const std::vector<Workload> one = WorkloadsOf(spike);
  REQUIRE(one.size() == 1);
  CHECK(one[0].name.empty());
  CHECK(one[0].mix.empty());
  CHECK(one[0].start == seconds(0));
  CHECK(one[0].stages.size() == 3);
  CHECK(TotalDuration(spike) == seconds(70));
}

TEST_CASE("workloads: mistakes are located at their key", "[workloads]") {
  auto l = Load(std::string(kScenarios) +
                "profiles:\n"                                                              // 6
                "  both:\n"                                                                // 7
                "    stages: [{duration: 1s, users: 1}]\n"                                 // 8
                "    workloads: {a: {stages: [{duration: 1s, users: 1}]}}\n"               // 9
                "  bad:\n"                                                                 // 10
                "    workloads:\n"                                                         // 11
                "      typo: {scenarios: [serach], stages: [{duration: 1s, users: 1}]}\n"  // 12
                "      weights: {scenarios: {browse: 0, nope: 1}, stages: [{duration: 1s, users: "
                "1}]}\n"                                                              // 13
                "      nostages: {start: 5s, satrt: 1s}\n"                            // 14
                "      late: {start: -1s, stages: [{duration: 1s, users: 1}]}\n"      // 15
                "      scalar: 3\n"                                                   // 16
                "      empty: {scenarios: [], stages: [{duration: 1s, users: 1}]}\n"  // 17
                "  none:\n"                                                           // 18
                "    workloads: {}\n"                                                 // 19
                "  neither: {description: x}\n"                                       // 20
                "profile: bad\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(l.find(
      "plan.yaml:9:16: profiles.both.workloads: a profile has either stages: (one workload) or "
      "workloads: (several at once), not both; the stages line is 8"));
  CHECK(
      l.find("plan.yaml:12:26: profiles.bad.workloads.typo.scenarios.0: no scenario \"serach\" "
             "(did you mean "
             "\"search\"?); scenarios: browse, search, checkout"));
  CHECK(
      l.find("plan.yaml:13:37: profiles.bad.workloads.weights.scenarios.browse: a weight must be "
             "more than 0"));
  CHECK(l.find(
      "plan.yaml:13:40: profiles.bad.workloads.weights.scenarios.nope: no scenario \"nope\""));
  CHECK(
      l.find("plan.yaml:14:17: profiles.bad.workloads.nostages.stages: missing; expected a list of "
             "at least one stage"));
  CHECK(
      l.find("profiles.bad.workloads.nostages.satrt: unknown key in a workload (did you mean "
             "\"start\"?)"));
  CHECK(l.find("profiles.bad.workloads.late.start:"));
  CHECK(l.find("plan.yaml:16:15: profiles.bad.workloads.scalar: expected a workload"));
  CHECK(l.find(
      "plan.yaml:17:26: profiles.bad.workloads.empty.scenarios: needs at least one scenario"));
  CHECK(l.find("plan.yaml:19:16: profiles.none.workloads: needs at least one workload"));
  CHECK(l.find(
      "plan.yaml:20:12: profiles.neither.stages: missing; expected a list of at least one stage"));
}

TEST_CASE("workloads: a scenario of weight 0 is out of the plan, and says so", "[workloads]") {
  auto l = Load(
      "target: {plugin: http, base_url: http://127.0.0.1:8089}\n"
      "scenarios:\n"
      "  - {name: on, requests: [{name: r, path: /}]}\n"
      "  - {name: off, weight: 0, requests: [{name: r, path: /}]}\n"
      "profiles: {p: {workloads: {w: {scenarios: [off], stages: [{duration: 1s, users: 1}]}}}}\n"
      "profile: p\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(
      l.find("profiles.p.workloads.w.scenarios.0: scenario \"off\" has weight 0, which leaves it "
             "out of the "
             "plan; give it a weight > 0 in scenarios:"));
}

TEST_CASE("workloads: a start plus stages past one leap year is refused", "[workloads][limits]") {
  auto l = Load(
      std::string(kScenarios) +
      "profiles: {p: {workloads: {w: {start: 8000h, stages: [{duration: 1000h, users: 1}]}}}}\n"
      "profile: p\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(l.find(
      "profiles.p.workloads.w.stages.0.duration: the profile's stages add up to more than 8784h"));
}

TEST_CASE("workloads: --users and --duration are refused, --spawn-rate reaches every workload",
          "[workloads]") {
  const std::string plan =
      std::string(kScenarios) +
      "profiles:\n"
      "  p:\n"
      "    workloads:\n"
      "      a: {stages: [{duration: 10s, users: 5}, {duration: 10s, rate: 5/s}]}\n"
      "      b: {stages: [{duration: 10s, users: 2}]}\n"
      "profile: p\n";
  auto l = Load(plan, LoadOptions{.users = 3});
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str().find(
            "--users: profile \"p\" has workloads; --users and --duration replace the "
            "stages of a profile written with stages:") == 0);
  l = Load(plan, LoadOptions{.duration = "5s"});
  REQUIRE_FALSE(l.ok);
  CHECK(l.errors.at(0).str().find("--duration: profile \"p\" has workloads") == 0);
  l = Load(plan, LoadOptions{.spawn_rate = "4"});
  INFO(l.text());
  REQUIRE(l.ok);
  const Profile& p = l.plan.profiles.at("p");
  CHECK(*p.workloads[0].stages[0].spawn_rate == 4);
  CHECK_FALSE(p.workloads[0].stages[1].spawn_rate);  // an open stage has none
  CHECK(*p.workloads[1].stages[0].spawn_rate == 4);
}
