// Response rules: named events in sp_result.events, from the target's and a step's rules,
// never changing the error kind.
#include <catch2/catch.hpp>

#include "test_host.h"
#include "test_server.h"

using namespace sp::http::test;
using Mode = TestServer::Mode;

namespace {

const char* kCircuitRule =
    R"([{"event": "circuit_open", "when": {"status": 503, "header": {"name": "X-Circuit-State", "equals": "open"}}}])";

Completion RunOne(TestServer& server, const TargetSettings& base, const RequestSettings& r) {
  TargetSettings t = base;
  t.base_url = server.Url();
  Target target;
  REQUIRE(target.Create(t, {r}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  return worker.completions()[0];
}

struct Refusal {
  std::string message, option, path;
};

Refusal Refuse(const TargetSettings& base, const RequestSettings& r) {
  TargetSettings t = base;
  t.base_url = "http://127.0.0.1:1";
  Target target;
  CHECK(target.Create(t, {r}) == SP_INVALID_ARGUMENT);
  return {target.error().message, target.error().option, target.error().path};
}

}  // namespace

TEST_CASE("rules: a target rule fires on a matching response", "[rules]") {
  TargetSettings t;
  t.rules = kCircuitRule;
  TestServer open({Mode::kKeepAlive, 503, "busy", "X-Circuit-State: open\r\n"});
  Completion c = RunOne(open, t, RequestSettings{});
  CHECK(c.events == std::vector<std::string>{"circuit_open"});
  CHECK(c.result.error == SP_E_HTTP_5XX);  // rules do not decide errors
  CHECK(c.result.status == 503);

  TestServer closed({Mode::kKeepAlive, 503, "busy", "X-Circuit-State: closed\r\n"});
  c = RunOne(closed, t, RequestSettings{});
  CHECK(c.events.empty());
  CHECK(c.result.event_count == 0);

  TestServer ok({Mode::kKeepAlive, 200, "fine", "X-Circuit-State: open\r\n"});
  c = RunOne(ok, t, RequestSettings{});
  CHECK(c.events.empty());
  CHECK(c.result.error == SP_E_NONE);
}

TEST_CASE("rules: target and step rules together, each event once", "[rules]") {
  TargetSettings t;
  t.rules = kCircuitRule;
  RequestSettings r;
  r.rules = R"([
    {"event": "slow_mode", "when": {"header": {"name": "X-Mode", "matches": "^slow"}}},
    {"event": "degraded", "when": {"body_contains": "busy"}},
    {"event": "degraded", "when": {"status": "5xx"}},
    {"event": "json_error", "when": {"json": {"path": "$.error"}}},
    {"event": "never", "when": {"status": 200, "body_contains": "busy"}}
  ])";
  TestServer server({Mode::kKeepAlive, 503, "busy", "X-Circuit-State: open\r\nX-Mode: slowdown\r\n"});
  Completion c = RunOne(server, t, r);
  CHECK(c.events == std::vector<std::string>{"circuit_open", "slow_mode", "degraded"});
  CHECK(c.result.error == SP_E_HTTP_5XX);

  TestServer json_server({Mode::kKeepAlive, 200, R"({"error": "x"})"});
  c = RunOne(json_server, t, r);
  CHECK(c.events == std::vector<std::string>{"json_error"});

  // Rules and checks together: an accepted 503 with the event.
  r.checks = R"([{"status": 503}])";
  c = RunOne(server, t, r);
  CHECK(c.result.error == SP_E_NONE);
  CHECK(c.events.size() == 3);
}

TEST_CASE("rules: no events without a complete response", "[rules]") {
  TargetSettings t;
  t.rules = R"([{"event": "any", "when": {"status": {"min": 100, "max": 999}}}])";
  TestServer garbage({Mode::kGarbage});
  Completion c = RunOne(garbage, t, RequestSettings{});
  CHECK(c.result.error == SP_E_PROTOCOL);
  CHECK(c.events.empty());
  TestServer ok({});
  c = RunOne(ok, t, RequestSettings{});
  CHECK(c.events == std::vector<std::string>{"any"});
}

TEST_CASE("rules: option errors", "[rules]") {
  TargetSettings t;
  t.rules = R"({"event": "x"})";
  Refusal e = Refuse(t, RequestSettings{});
  CHECK(e.option == "rules");
  CHECK(e.path.empty());
  CHECK_THAT(e.message, Catch::Contains("rules must be a list"));

  t.rules = R"([{"event": "ok", "when": {"status": 200}}, {"event": "x", "when": {"status": "abc"}}])";
  e = Refuse(t, RequestSettings{});
  CHECK(e.option == "rules");
  CHECK(e.path == "/1/when/status");

  t.rules = R"([{"when": {"status": 503}}])";
  e = Refuse(t, RequestSettings{});
  CHECK(e.path == "/0");
  CHECK_THAT(e.message, Catch::Contains("rule needs an event name"));

  TargetSettings none;
  RequestSettings r;
  r.rules = R"([{"event": "bad name", "when": {"status": 503}}])";
  e = Refuse(none, r);
  CHECK(e.option == "requests/0");
  CHECK(e.path == "/rules/0/event");
  r.rules = R"([{"event": "x"}])";
  e = Refuse(none, r);
  CHECK(e.path == "/rules/0");
  CHECK_THAT(e.message, Catch::Contains("rule needs when"));
  r.rules = R"([{"event": "x", "when": {}}])";
  e = Refuse(none, r);
  CHECK(e.path == "/rules/0/when");
  r.rules = R"([{"event": "x", "when": {"stat": 1}}])";
  e = Refuse(none, r);
  CHECK(e.path == "/rules/0/when/stat");
  CHECK_THAT(e.message, Catch::Contains("unknown condition \"stat\""));
  r.rules = R"([{"event": "x", "when": {"status": 503}, "then": 1}])";
  e = Refuse(none, r);
  CHECK(e.path == "/rules/0/then");

  std::string many = "[";
  for (int i = 0; i < 33; ++i) {
    many += std::string(i ? "," : "") + R"({"event": "e)" + std::to_string(i) + R"(", "when": {"status": 200}})";
  }
  r.rules = many + "]";
  e = Refuse(none, r);
  CHECK(e.path == "/rules");
  CHECK_THAT(e.message, Catch::Contains("at most 32 distinct events"));
}
