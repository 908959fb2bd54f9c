#include <catch2/catch.hpp>

#include <cstring>

#include "core/plan/options.h"
#include "core/plan/yaml_loader.h"

using namespace sp::plan;

namespace {

const sp_option_decl kDecls[] = {
    {"base_url", SP_OPT_STRING, nullptr, 1, "where requests go"},
    {"connections", SP_OPT_INT, "10", 0, "connections per worker"},
    {"ratio", SP_OPT_FLOAT, nullptr, 0, ""},
    {"keep_alive", SP_OPT_BOOL, "true", 0, ""},
    {"timeout", SP_OPT_DURATION, "30s", 0, ""},
    {"max_body", SP_OPT_SIZE, "4KiB", 0, ""},
    {"rate", SP_OPT_RATE, nullptr, 0, ""},
    {"headers", SP_OPT_JSON, "{Accept: '*/*'}", 0, ""},
    {"ca_file", SP_OPT_PATH, nullptr, 0, ""},
    {"method", SP_OPT_STRING, "GET", 0, ""},
};
constexpr size_t kCount = sizeof(kDecls) / sizeof(kDecls[0]);

Value Block(const std::string& text) {
  Value v;
  Diagnostics errors;
  REQUIRE(LoadYamlString(text, "p.yaml", &v, &errors));
  return v;
}

OptionContext Ctx() { return OptionContext{"plugin http", "/plans/dir", "target"}; }

std::string S(const sp_option_value& v) { return std::string(v.s.ptr, v.s.len); }

}  // namespace

TEST_CASE("options: a number may be written as a percentage", "[options]") {
  ResolvedOptions resolved;
  Diagnostics errors;
  REQUIRE(ResolveOptions(Block("base_url: http://x\nratio: 25%\n"), kDecls, kCount, Ctx(), &resolved, &errors));
  CHECK(resolved.find("ratio")->f == Approx(0.25));
  CHECK_FALSE(ResolveOptions(Block("base_url: http://x\nratio: '%'\n"), kDecls, kCount, Ctx(), &resolved, &errors));
}

TEST_CASE("options: every type, in declaration order", "[options]") {
  Value block = Block(
      "base_url: http://x\n"
      "connections: 64\n"
      "ratio: 0.25\n"
      "keep_alive: false\n"
      "timeout: 1m30s\n"
      "max_body: 2MB\n"
      "rate: 1200/m\n"
      "headers: {X-Id: 7, n: [1, 2.5, -3e2, true, null, '8', 007, yes], s: \"x\"}\n"
      "ca_file: certs/ca.pem\n"
      "method: \"POST\"\n");
  ResolvedOptions resolved;
  Diagnostics errors;
  REQUIRE(ResolveOptions(block, kDecls, kCount, Ctx(), &resolved, &errors));
  CHECK(errors.empty());
  const sp_options* o = resolved.get();
  REQUIRE(o->count == kCount);
  for (size_t k = 0; k < kCount; ++k) {
    CHECK(std::strcmp(o->values[k].name, kDecls[k].name) == 0);
    CHECK(o->values[k].type == kDecls[k].type);
    CHECK(o->values[k].is_set == 1);
  }
  CHECK(S(o->values[0]) == "http://x");
  CHECK(o->values[1].i == 64);
  CHECK(o->values[2].f == 0.25);
  CHECK(o->values[3].b == 0);
  CHECK(o->values[4].i == 90'000'000'000);
  CHECK(o->values[5].i == 2'000'000);
  CHECK(o->values[6].f == 20.0);
  CHECK(S(o->values[7]) == R"({"X-Id":7,"n":[1,2.5,-300.0,true,null,"8","007","yes"],"s":"x"})");
  CHECK(S(o->values[8]) == "/plans/dir/certs/ca.pem");
  CHECK(S(o->values[9]) == "POST");
  CHECK(o->values[9].s.ptr[o->values[9].s.len] == '\0');
}

TEST_CASE("options: defaults use plan syntax; absent without default is unset", "[options]") {
  Value block = Block("base_url: http://x\n");
  ResolvedOptions resolved;
  Diagnostics errors;
  REQUIRE(ResolveOptions(block, kDecls, kCount, Ctx(), &resolved, &errors));
  const sp_options* o = resolved.get();
  CHECK(o->values[1].is_set == 1);
  CHECK(o->values[1].i == 10);
  CHECK(o->values[2].is_set == 0);  // ratio: no default
  CHECK(o->values[3].b == 1);
  CHECK(o->values[4].i == 30'000'000'000);
  CHECK(o->values[5].i == 4096);
  CHECK(o->values[6].is_set == 0);
  CHECK(S(o->values[7]) == R"({"Accept":"*/*"})");
  CHECK(o->values[8].is_set == 0);
  CHECK(o->values[8].s.ptr != nullptr);
  CHECK(o->values[8].s.len == 0);
  CHECK(S(o->values[9]) == "GET");
  REQUIRE(resolved.find("timeout"));
  CHECK(resolved.find("timeout")->i == 30'000'000'000);
  CHECK_FALSE(resolved.find("nope"));
}

TEST_CASE("options: the table survives a move", "[options]") {
  ResolvedOptions outer;
  {
    Value block = Block("base_url: a-string-long-enough-to-leave-small-string-storage\nmethod: P\n");
    ResolvedOptions inner;
    Diagnostics errors;
    REQUIRE(ResolveOptions(block, kDecls, kCount, Ctx(), &inner, &errors));
    outer = std::move(inner);
    CHECK(inner.get()->count == 0);
  }
  ResolvedOptions moved(std::move(outer));
  const sp_options* o = moved.get();
  REQUIRE(o->count == kCount);
  CHECK(S(o->values[0]) == "a-string-long-enough-to-leave-small-string-storage");
  CHECK(S(o->values[9]) == "P");  // short (in-object) strings too
  CHECK(std::strcmp(o->values[9].name, "method") == 0);
}

TEST_CASE("options: unknown, missing, wrong types are all reported and located", "[options]") {
  Value block = Block(
      "timout: 5s\n"
      "connections: many\n"
      "keep_alive: yes\n"
      "ratio: [1]\n"
      "timeout: 5\n"
      "max_body: 2M\n"
      "rate: -1/s\n"
      "method: {a: 1}\n");
  ResolvedOptions resolved;
  Diagnostics errors;
  REQUIRE_FALSE(ResolveOptions(block, kDecls, kCount, Ctx(), &resolved, &errors));
  CHECK(resolved.get()->count == 0);
  std::vector<std::string> got;
  for (const Diagnostic& d : errors) got.push_back(d.str());
  INFO([&] { std::string s; for (auto& g : got) s += g + "\n"; return s; }());
  REQUIRE(got.size() == 9);
  CHECK(got[0] ==
        "p.yaml:1:1: target.timout: unknown option for plugin http (did you mean \"timeout\"?); "
        "known options: base_url, connections, ratio, keep_alive, timeout, max_body, rate, "
        "headers, ca_file, method");
  CHECK(got[1] == "p.yaml:1:1: target.base_url: missing required option base_url of plugin http (text): where requests go");
  CHECK(got[2] == "p.yaml:2:14: target.connections: expected a whole number (e.g. 10), got \"many\" (option connections of plugin http)");
  CHECK(got[3] == "p.yaml:4:8: target.ratio: expected a number (e.g. 0.5, or 50% for 0.5), got a list (option ratio of plugin http)");
  CHECK(got[4] == "p.yaml:3:13: target.keep_alive: expected true or false, got \"yes\" (option keep_alive of plugin http)");
  CHECK(got[5].find("p.yaml:5:10: target.timeout: duration \"5\" has no unit") == 0);
  CHECK(got[6].find("p.yaml:6:11: target.max_body: size unit \"M\" in \"2M\" is ambiguous") == 0);
  CHECK(got[7] == "p.yaml:7:7: target.rate: rate \"-1/s\" is negative; rates are >= 0");
  CHECK(got[8] == "p.yaml:8:9: target.method: expected text, got a map (option method of plugin http)");
}

TEST_CASE("options: null and empty blocks; broken plugin defaults", "[options]") {
  const sp_option_decl optional_only[] = {{"n", SP_OPT_INT, nullptr, 0, ""}};
  ResolvedOptions resolved;
  Diagnostics errors;
  REQUIRE(ResolveOptions(Value{}, optional_only, 1, Ctx(), &resolved, &errors));
  CHECK(resolved.get()->values[0].is_set == 0);
  REQUIRE(ResolveOptions(Block("n:\n"), optional_only, 1, Ctx(), &resolved, &errors));
  CHECK(resolved.get()->values[0].is_set == 0);  // `n:` with nothing counts as absent
  REQUIRE(ResolveOptions(Value{}, nullptr, 0, Ctx(), &resolved, &errors));
  CHECK(resolved.get()->count == 0);
  CHECK(errors.empty());

  const sp_option_decl broken[] = {{"timeout", SP_OPT_DURATION, "thirty", 0, ""}};
  Value block = Block("{}\n");
  REQUIRE_FALSE(ResolveOptions(block, broken, 1, Ctx(), &resolved, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str().find("p.yaml:1:1: target.timeout: plugin http declares an invalid default \"thirty\" for option timeout (invalid duration \"thirty\"") == 0);

  errors.clear();
  REQUIRE_FALSE(ResolveOptions(Block("[1]\n"), optional_only, 1, Ctx(), &resolved, &errors));
  CHECK(errors[0].str() == "p.yaml:1:1: target: expected a map of options for plugin http, got a list");
}

TEST_CASE("options: JSON values keep quoting-based typing and order", "[options]") {
  const sp_option_decl json[] = {{"v", SP_OPT_JSON, nullptr, 0, ""}};
  auto resolve = [&](const std::string& text) {
    ResolvedOptions r;
    Diagnostics errors;
    REQUIRE(ResolveOptions(Block(text), json, 1, Ctx(), &r, &errors));
    return S(r.get()->values[0]);
  };
  CHECK(resolve("v: 12\n") == "12");
  CHECK(resolve("v: '12'\n") == "\"12\"");
  CHECK(resolve("v: 1.5e3\n") == "1500.0");
  CHECK(resolve("v: 18446744073709551615\n") == "18446744073709551615");
  CHECK(resolve("v: True\n") == "true");
  CHECK(resolve("v: [~, null, \"\"]\n") == "[null,null,\"\"]");
  CHECK(resolve("v: hello world\n") == "\"hello world\"");
  CHECK(resolve("v: {z: 1, a: 2}\n") == R"({"z":1,"a":2})");
  CHECK(resolve("v: |\n  two\n  lines\n") == "\"two\\nlines\\n\"");
}

TEST_CASE("LocateOption follows JSON pointers", "[options]") {
  Value block = Block(
      "base_url: http://x\n"
      "checks:\n"
      "  - {status: 200}\n"
      "  - status: 201\n"
      "    body: {a/b: 1, \"t~x\": 2}\n"
      "empty:\n");
  CHECK(LocateOption(block, "base_url", "").str() == "p.yaml:1:11");
  CHECK(LocateOption(block, "checks", "").str() == "p.yaml:3:3");
  CHECK(LocateOption(block, "checks", "/0").str() == "p.yaml:3:5");
  CHECK(LocateOption(block, "checks", "/0/status").str() == "p.yaml:3:14");
  CHECK(LocateOption(block, "checks", "/1/status").str() == "p.yaml:4:13");
  CHECK(LocateOption(block, "checks", "/1/body/a~1b").str() == "p.yaml:5:17");
  CHECK(LocateOption(block, "checks", "/1/body/t~0x").str() == "p.yaml:5:27");
  // Stops at the deepest node the pointer reaches.
  CHECK(LocateOption(block, "checks", "/1/nope/x").str() == "p.yaml:4:5");
  CHECK(LocateOption(block, "checks", "/7").str() == "p.yaml:3:3");
  CHECK(LocateOption(block, "checks", "not-a-pointer").str() == "p.yaml:3:3");
  // `empty:` has no value to point at: the key.
  CHECK(LocateOption(block, "empty", "").str() == "p.yaml:6:1");
  // Unknown option: the block.
  CHECK(LocateOption(block, "nope", "/0").str() == "p.yaml:1:1");
}

TEST_CASE("options: type names", "[options]") {
  CHECK(std::string(OptionTypeName(SP_OPT_DURATION)) == "duration");
  CHECK(std::string(OptionTypeSyntax(SP_OPT_RATE)) == "a rate (e.g. 200/s, 1200/m)");
}

TEST_CASE("LocateOption: a value from --set or --host is located at the flag", "[options]") {
  // The plan wrote base_url on line 1; --host replaced it. A plugin's error about the value
  // must name the flag, not the plan line of the value it replaced.
  Value block = Block(
      "base_url: http://x\n"
      "headers: {a: 1}\n");
  block.find("base_url")->loc = Location{"--host ftp://x", 0, 0};
  block.find("headers")->find("a")->loc = Location{"--set target.headers.a=2", 0, 0};
  CHECK(LocateOption(block, "base_url", "").str() == "--host ftp://x");
  CHECK(LocateOption(block, "headers", "/a").str() == "--set target.headers.a=2");
  // A value made by hand (no file, no line) still falls back to its key.
  block.find("base_url")->loc = Location{};
  CHECK(LocateOption(block, "base_url", "").str() == "p.yaml:1:1");
}
