#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/plan/substitute.h"
#include "core/plan/yaml_loader.h"
#include "test_util.h"

using namespace sp::plan;

namespace {
Variables Vars() {
  Variables v;
  v.process_env = {{"HOME", "/home/u"}, {"PORT", "8089"}, {"EMPTY", ""}, {"SHARED", "from-env"}};
  v.overlay = {{"SHARED", "from-overlay"}, {"ONLY_OVERLAY", "o"}};
  return v;
}
std::string Sub(const std::string& text) {
  std::string out, err;
  INFO(text);
  REQUIRE(SubstituteString(text, Vars(), &out, &err));
  return out;
}
std::string SubErr(const std::string& text) {
  std::string out = "untouched", err;
  INFO(text);
  REQUIRE_FALSE(SubstituteString(text, Vars(), &out, &err));
  CHECK(out == "untouched");
  return err;
}
}  // namespace

TEST_CASE("substitute: variables and defaults", "[substitute]") {
  CHECK(Sub("plain") == "plain");
  CHECK(Sub("${HOME}/x") == "/home/u/x");
  CHECK(Sub("http://127.0.0.1:${PORT}/a") == "http://127.0.0.1:8089/a");
  CHECK(Sub("${MISSING:-fallback}") == "fallback");
  CHECK(Sub("${EMPTY:-fallback}") == "fallback");  // :- also covers set-but-empty
  CHECK(Sub("${PORT:-1}") == "8089");
  CHECK(Sub("${MISSING:-}") == "");
  CHECK(Sub("${MISSING:-${PORT}}") == "8089");        // nested default
  CHECK(Sub("${MISSING:-http://h:${NOPE:-18089}}/x") == "http://h:18089/x");
  CHECK(Sub("${MISSING:-a${PORT}b}c") == "a8089bc");
  CHECK(Sub("${PORT:-${UNSET_BUT_UNUSED}}") == "8089");  // an unused default is not evaluated
  CHECK(Sub("${SHARED}") == "from-overlay");          // the overlay's vars win
  CHECK(Sub("${ONLY_OVERLAY}") == "o");
}

TEST_CASE("substitute: escapes and lone dollars", "[substitute]") {
  CHECK(Sub("$${HOME}") == "${HOME}");
  CHECK(Sub("cost: $5") == "cost: $5");
  CHECK(Sub("$$") == "$$");
  CHECK(Sub("a$") == "a$");
  CHECK(Sub("$${X} and ${PORT}") == "${X} and 8089");
}

TEST_CASE("substitute: errors", "[substitute]") {
  CHECK(SubErr("${NOPE}") ==
        "variable NOPE is not set; set it in the environment or in the selected environment's "
        "vars:, or give a default with ${NOPE:-default}");
  CHECK(SubErr("${MISSING:-${NOPE}}").find("variable NOPE is not set") == 0);
  CHECK(SubErr("${PORT").find("unterminated \"${PORT\"") == 0);
  CHECK(SubErr("${1X}").find("invalid variable reference \"${1X}\"") == 0);
  CHECK(SubErr("${A-b}").find("invalid variable reference \"${A-b}\": write ${NAME} or ${NAME:-default}") == 0);
  CHECK(SubErr("${MISSING:-abc").find("unterminated") == 0);
}

TEST_CASE("substitute: whole trees, values only, located errors", "[substitute]") {
  Value root;
  Diagnostics errors;
  REQUIRE(LoadYamlString(
      "${PORT}: ${PORT}\n"
      "list: [a, \"${HOME}\", \"${NOPE}\"]\n"
      "map: {k: '${ALSO_NOPE}'}\n",
      "t.yaml", &root, &errors));
  CHECK_FALSE(SubstituteTree(&root, Vars(), "", &errors));
  // Keys are left alone.
  REQUIRE(root.find("${PORT}"));
  CHECK(root.find("${PORT}")->scalar == "8089");
  CHECK(root.find("list")->items[1].scalar == "/home/u");
  CHECK(root.find("list")->items[1].quoted);  // substitution keeps the quoting flag
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].loc.str() == "t.yaml:2:22");
  CHECK(errors[0].key == "list.2");
  CHECK(errors[0].message.find("variable NOPE is not set") == 0);
  CHECK(errors[1].loc.str() == "t.yaml:3:10");
  CHECK(errors[1].key == "map.k");
}

TEST_CASE("substitute: through the loader, with the process environment map", "[substitute]") {
  using sp::plan::test::Load;
  LoadOptions options;
  options.process_env = std::map<std::string, std::string>{{"TARGET_URL", "http://env:1"}};
  auto l = Load(
      "target: {plugin: http, base_url: \"${TARGET_URL:-http://127.0.0.1:8089}\"}\n"
      "scenarios: [{name: s, requests: [{name: r, body: \"$${literal}\"}]}]\n",
      options);
  INFO(l.text());
  REQUIRE(l.ok);
  CHECK(l.plan.target.options.find("base_url")->scalar == "http://env:1");
  CHECK(l.plan.scenarios[0].requests[0].spec.find("body")->scalar == "${literal}");

  l = Load(
      "target: {plugin: http, base_url: \"${TARGET_URL}\"}\n"
      "scenarios: [{name: s, requests: [{name: r}]}]\n");
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str().find("plan.yaml:1:34: target.base_url: variable TARGET_URL is not set") == 0);
}

TEST_CASE("substitute: without a process_env map the real environment is used", "[substitute]") {
  ::setenv("SP_PLAN_TEST_HOST", "from-environ", 1);
  LoadOptions options;  // process_env left unset
  Plan plan;
  Diagnostics errors;
  REQUIRE(LoadPlanFromString(std::string(sp::plan::test::kMinimal) + "name: ${SP_PLAN_TEST_HOST}\n",
                             "plan.yaml", "/tmp", options, &plan, &errors));
  CHECK(plan.name == "from-environ");
  ::unsetenv("SP_PLAN_TEST_HOST");
  CHECK(ProcessEnvironment().count("SP_PLAN_TEST_HOST") == 0);
}

TEST_CASE("substitute: nested defaults are bounded, not a stack overflow", "[substitute][limits]") {
  auto nest = [](int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "${MISSING:-";
    text += "x";
    text += std::string(static_cast<size_t>(depth), '}');
    return text;
  };
  // 32 levels are fine.
  CHECK(Sub(nest(32)) == "x");
  // One more is an error; 20,000 (which used to overflow the stack) too, at once.
  CHECK(SubErr(nest(33)).find("${...} defaults are nested more than 32 deep") == 0);
  const std::string err = SubErr(nest(20'000));
  CHECK(err.find("nested more than 32 deep") != std::string::npos);
  CHECK(err.size() < 300);

  // Located at the value through the loader.
  auto l = sp::plan::test::Load(std::string("name: \"") + nest(20'000) + "\"\n" + sp::plan::test::kMinimal);
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].loc.str() == "plan.yaml:1:7");
  CHECK(l.errors[0].key == "name");
}

TEST_CASE("substitute: an unterminated reference is not echoed whole", "[substitute][limits]") {
  const std::string err = SubErr("${" + std::string(50'000, 'A'));
  CHECK(err.find("unterminated \"${AAAA") == 0);
  CHECK(err.size() < 300);
}
