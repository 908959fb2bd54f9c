#include <catch2/catch.hpp>

#include "core/plan/overlay.h"
#include "core/plan/plan_schema.h"
#include "core/plan/yaml_loader.h"
#include "test_util.h"

using namespace sp::plan;
using sp::plan::test::Load;

namespace {
Value Parse(const std::string& text) {
  Value v;
  Diagnostics errors;
  REQUIRE(LoadYamlString(text, "t.yaml", &v, &errors));
  return v;
}
}  // namespace

TEST_CASE("deep merge: maps merge, lists and scalars replace", "[overlay]") {
  Value base = Parse(
      "a: {x: 1, y: {p: 1, q: 2}}\n"
      "list: [1, 2, 3]\n"
      "s: old\n");
  Value over = Parse(
      "a: {y: {q: 20, r: 30}, z: 3}\n"
      "list: [9]\n"
      "s: [now, a, list]\n"
      "new: yes\n");
  DeepMerge(&base, over);
  const Value* a = base.find("a");
  CHECK(a->find("x")->scalar == "1");
  CHECK(a->find("y")->find("p")->scalar == "1");
  CHECK(a->find("y")->find("q")->scalar == "20");
  CHECK(a->find("y")->find("q")->loc.line == 1);
  CHECK(a->find("y")->find("r")->scalar == "30");
  CHECK(a->find("z")->scalar == "3");
  REQUIRE(base.find("list")->items.size() == 1);
  CHECK(base.find("list")->items[0].scalar == "9");
  CHECK(base.find("s")->is_sequence());
  CHECK(base.find("new")->scalar == "yes");
  CHECK(base.entries.back().first == "new");
  CHECK(base.key_loc("new").str() == "t.yaml:4:1");
}

TEST_CASE("environments: --env applies vars and merges keys", "[overlay]") {
  const std::string full = std::string(STRESSPLAN_PLAN_FIXTURES) + "/full.yaml";
  LoadOptions options;
  options.environment = "staging";
  options.process_env.emplace();
  Plan plan;
  Diagnostics errors;
  INFO([&] { std::string s; for (auto& d : errors) s += d.str() + "\n"; return s; }());
  REQUIRE(LoadPlan(full, options, &plan, &errors));
  CHECK(plan.environment == "staging");
  CHECK(plan.profile == "tiny");
  CHECK(plan.target.plugin == "http");
  CHECK(plan.target.options.find("base_url")->scalar == "https://staging.example.com");
  // target: {timeout: 10s} merged into the target map, base_url kept.
  const Value* timeout = plan.target.options.find("timeout");
  REQUIRE(timeout);
  CHECK(timeout->scalar == "10s");
  CHECK(timeout->loc.line == 51);
}

TEST_CASE("environments: overlay vars beat the process environment", "[overlay]") {
  LoadOptions options;
  options.environment = "prod";
  options.process_env = std::map<std::string, std::string>{{"HOST", "env-host"}, {"PROD_PORT", "443"}};
  auto l = Load(std::string(sp::plan::test::kMinimal) +
                    "name: ${HOST}\n"
                    "description: ${WHERE:-nowhere}\n"
                    "environments:\n"
                    "  prod:\n"
                    "    vars: {HOST: prod-host, WHERE: \"port ${PROD_PORT}\"}\n"
                    "    workers: 4\n",
                options);
  INFO(l.text());
  REQUIRE(l.ok);
  CHECK(l.plan.name == "prod-host");
  CHECK(l.plan.description == "port 443");
  CHECK(l.plan.workers == 4);

  options.environment.clear();
  l = Load(std::string(sp::plan::test::kMinimal) + "name: ${HOST}\nenvironments: {prod: {workers: 4}}\n",
           options);
  REQUIRE(l.ok);
  CHECK(l.plan.name == "env-host");
  CHECK(l.plan.workers == 0);
  CHECK(l.plan.environment.empty());
}

TEST_CASE("environments: unknown names and bad overlays", "[overlay]") {
  LoadOptions options;
  options.environment = "stagin";
  auto l = Load(std::string(sp::plan::test::kMinimal) +
                    "environments:\n"
                    "  staging: {workers: 1}\n"
                    "  prod: {workers: 2}\n",
                options);
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() ==
        "--env: unknown environment \"stagin\" (did you mean \"staging\"?); the plan defines: "
        "staging, prod");

  l = Load(sp::plan::test::kMinimal, options);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() ==
        "--env: unknown environment \"stagin\"; the plan defines no environments: (add one under "
        "environments:)");

  options.environment.clear();
  l = Load(std::string(sp::plan::test::kMinimal) +
               "environments:\n"
               "  staging:\n"
               "    wokers: 1\n"
               "    vars: [a]\n"
               "  prod: 5\n");
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 3);
  CHECK(l.errors[0].str().find("plan.yaml:8:5: environments.staging.wokers: unknown key (did you mean \"workers\"?)") == 0);
  CHECK(l.errors[1].str() == "plan.yaml:9:11: environments.staging.vars: expected a map of variable names to text, got a list");
  CHECK(l.errors[2].str() == "plan.yaml:10:9: environments.prod: expected a map of plan keys (and vars:), got \"5\"");
}
