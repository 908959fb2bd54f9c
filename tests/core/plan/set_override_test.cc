#include <catch2/catch.hpp>

#include "core/plan/set_override.h"
#include "core/plan/yaml_loader.h"
#include "test_util.h"

using namespace sp::plan;
using sp::plan::test::Load;

namespace {
const char* kTree =
    "target: {plugin: http}\n"
    "profiles:\n"
    "  x:\n"
    "    stages: [{duration: 1s, users: 1}, {duration: 2s, users: 2}, {duration: 3s, users: 3}]\n"
    "scenarios: [{name: a}]\n"
    "empty:\n";

Value Tree() {
  Value v;
  Diagnostics errors;
  REQUIRE(LoadYamlString(kTree, "t.yaml", &v, &errors));
  return v;
}
std::string SetErr(const std::string& assignment) {
  Value v = Tree();
  Diagnostics errors;
  INFO(assignment);
  REQUIRE_FALSE(ApplySet(&v, assignment, &errors));
  REQUIRE(errors.size() == 1);
  return errors[0].str();
}
}  // namespace

TEST_CASE("--set: existing keys, indexes, new keys, typed values", "[set]") {
  Value v = Tree();
  Diagnostics errors;
  REQUIRE(ApplySet(&v, "target.base_url=http://x:8080/a", &errors));
  REQUIRE(ApplySet(&v, "profiles.x.stages.1.users=50", &errors));
  REQUIRE(ApplySet(&v, "scenarios.0.weight=3", &errors));
  REQUIRE(ApplySet(&v, "new.deep.key=[1, two]", &errors));
  REQUIRE(ApplySet(&v, "empty.k='quoted'", &errors));
  REQUIRE(ApplySet(&v, "target.plugin=", &errors));
  CHECK(errors.empty());

  const Value* url = v.find("target")->find("base_url");
  REQUIRE(url);
  CHECK(url->scalar == "http://x:8080/a");
  CHECK(url->loc.str() == "--set target.base_url=http://x:8080/a");
  const Value& stage = v.find("profiles")->find("x")->find("stages")->items[1];
  CHECK(stage.find("users")->scalar == "50");
  CHECK(stage.find("duration")->scalar == "2s");  // siblings untouched
  CHECK(v.find("scenarios")->items[0].find("weight")->scalar == "3");
  const Value* deep = v.find("new")->find("deep")->find("key");
  REQUIRE(deep->is_sequence());
  CHECK(deep->items[1].scalar == "two");
  CHECK(deep->items[1].loc.str() == "--set new.deep.key=[1, two]");
  CHECK(v.find("empty")->find("k")->quoted);
  CHECK(v.find("target")->find("plugin")->is_null());
}

TEST_CASE("--set: errors name the flag", "[set]") {
  CHECK(SetErr("profiles.x.stages.9.users=1") ==
        "--set profiles.x.stages.9.users=1: stages has 3 items (indexes 0..2)");
  CHECK(SetErr("profiles.x.stages.first.users=1") ==
        "--set profiles.x.stages.first.users=1: stages is a list; use an index 0..2 instead of \"first\"");
  CHECK(SetErr("scenarios.0.name.x=1") ==
        "--set scenarios.0.name.x=1: name is \"a\", not a map or list, so it has no \"x\"");
  CHECK(SetErr("no-equals-sign") ==
        "--set no-equals-sign: expected path=value, e.g. --set target.base_url=http://127.0.0.1:8089");
  CHECK(SetErr("a..b=1").find("--set a..b=1: invalid path \"a..b\"") == 0);
  CHECK(SetErr("=1").find("--set =1: invalid path \"\"") == 0);
  CHECK(SetErr("target.x=[1, 2").find("--set target.x=[1, 2: the value is not valid YAML: YAML syntax error:") == 0);
  CHECK(SetErr("environments.prod.workers=1").find("environments are applied before --set") != std::string::npos);
}

TEST_CASE("--set through the loader: applied after overlays, before validation", "[set]") {
  const LoadOptions options{.environment = "e",
                            .sets = {"workers=7", "scenarios.0.weight=0.5", "name=from-set"}};
  auto l = Load(std::string(sp::plan::test::kMinimal) + "environments: {e: {workers: 3, name: env}}\n",
                options);
  INFO(l.text());
  REQUIRE(l.ok);
  CHECK(l.plan.workers == 7);
  CHECK(l.plan.scenarios[0].weight == 0.5);
  CHECK(l.plan.name == "from-set");

  const LoadOptions bad{.sets = {"workers=-1", "profiles.nope.stages.0.users=1"}};
  l = Load(sp::plan::test::kMinimal, bad);
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  // Values a --set wrote are validated like the file's and located at the flag. The second
  // creates profiles.nope.stages as a map (the index is a key in a new map).
  CHECK(l.find("--set workers=-1: workers: must be between 0 and 4096 (0 = one per core), got -1"));
  CHECK(l.find("--set profiles.nope.stages.0.users=1: profiles.nope.stages: expected a list of stages, got a map"));
  CHECK(l.errors.size() == 2);
}
