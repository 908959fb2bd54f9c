// Checks end to end: each kind passing and failing with the interned check name, the status
// rules (an accepted 4xx is no error), and the option errors with their JSON pointers.
#include <catch2/catch.hpp>

#include "test_host.h"
#include "test_server.h"

using namespace sp::http::test;
using Mode = TestServer::Mode;

namespace {

const std::string kBody = R"({"ok": true, "id": 42, "user": {"name": "ann"}, "items": [1, 2], "n": null})";
const std::string kHeaders = "X-Mode: fast\r\nX-Mode: steady\r\nX-Trace: abc-123\r\n";

struct Outcome {
  sp_error_kind error;
  int status;
  std::string failed;  // interned name of failed_check when check_failed
  std::string detail;
};

Outcome RunChecks(TestServer& server, const std::string& checks) {
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings r;
  r.checks = checks;
  Target target;
  INFO(checks);
  REQUIRE(target.Create(t, {r}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  const Completion& c = worker.completions()[0];
  return {c.result.error, c.result.status,
          c.result.error == SP_E_CHECK_FAILED ? InternedName(c.result.failed_check) : "", c.detail};
}

void Passes(TestServer& server, const std::string& checks) {
  const Outcome o = RunChecks(server, checks);
  INFO(checks << " -> " << o.detail);
  CHECK(o.error == SP_E_NONE);
  CHECK(o.detail.empty());
}

void Fails(TestServer& server, const std::string& checks, const std::string& name,
           const std::string& detail = "") {
  const Outcome o = RunChecks(server, checks);
  INFO(checks);
  CHECK(o.error == SP_E_CHECK_FAILED);
  CHECK(o.failed == name);
  if (!detail.empty()) CHECK(o.detail == detail);
}

struct Refusal {
  std::string message, option, path;
};

Refusal Refuse(const std::string& checks, int index = 0) {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:1";
  RequestSettings ok, r;
  r.checks = checks;
  std::vector<RequestSettings> steps(static_cast<size_t>(index), ok);
  steps.push_back(r);
  Target target;
  INFO(checks);
  CHECK(target.Create(t, steps) == SP_INVALID_ARGUMENT);
  return {target.error().message, target.error().option, target.error().path};
}

}  // namespace

TEST_CASE("checks: status", "[checks]") {
  TestServer server({Mode::kKeepAlive, 200, kBody, kHeaders});
  Passes(server, R"([{"status": 200}])");
  Passes(server, R"([{"status": "200"}])");
  Passes(server, R"([{"status": [201, 200]}])");
  Passes(server, R"([{"status": "2xx"}])");
  Passes(server, R"([{"status": ["4xx", "2XX"]}])");
  Passes(server, R"([{"status": {"min": 200, "max": 204}}])");
  Fails(server, R"([{"status": 201}])", "status is 201",
        "check \"status is 201\" failed: status 200");
  Fails(server, R"([{"status": [201, "3xx"]}])", "status in [201, 3xx]");
  Fails(server, R"([{"status": "5xx"}])", "status is 5xx");
  Fails(server, R"([{"status": {"min": 201, "max": 299}}])", "status in 201..299");
  Fails(server, R"([{"name": "created", "status": 201}])", "created",
        "check \"created\" failed: status 200");
}

TEST_CASE("checks: header", "[checks]") {
  TestServer server({Mode::kKeepAlive, 200, kBody, kHeaders});
  Passes(server, R"([{"header": {"name": "x-trace"}}])");
  Passes(server, R"([{"header": {"name": "X-Trace", "equals": "abc-123"}}])");
  Passes(server,
         R"([{"header": {"name": "X-Mode", "equals": "fast, steady"}}])");  // repeated: joined
  Passes(server, R"([{"header": {"name": "X-Trace", "contains": "c-1"}}])");
  Passes(server, R"([{"header": {"name": "X-Trace", "matches": "^[a-z]+-\\d+$"}}])");
  Fails(server, R"([{"header": {"name": "X-Missing"}}])", "header X-Missing is present",
        "check \"header X-Missing is present\" failed: no X-Missing header");
  Fails(server, R"([{"header": {"name": "X-Trace", "equals": "abc"}}])",
        "header X-Trace equals \"abc\"",
        "check \"header X-Trace equals \"abc\"\" failed: X-Trace is \"abc-123\"");
  Fails(server, R"([{"header": {"name": "X-Trace", "contains": "zz"}}])",
        "header X-Trace contains \"zz\"");
  Fails(server, R"([{"header": {"name": "X-Trace", "matches": "^\\d"}}])",
        "header X-Trace matches \"^\\d\"");
}

TEST_CASE("checks: body_contains, body_matches, json", "[checks]") {
  TestServer server({Mode::kChunked, 200});  // chunked "hello": the body is decoded first
  Passes(server, R"([{"body_contains": "hello"}])");
  Passes(server, R"([{"body_matches": "^hel+o$"}])");
  Fails(server, R"([{"body_contains": "bye"}])", "body contains \"bye\"",
        "check \"body contains \"bye\"\" failed: not in the body");
  Fails(server, R"([{"body_matches": "^lo"}])", "body matches \"^lo\"");
  Fails(server, R"([{"json": {"path": "$.ok"}}])", "json $.ok exists",
        "check \"json $.ok exists\" failed: the body is not JSON");

  TestServer json_server({Mode::kKeepAlive, 200, kBody});
  Passes(json_server, R"([{"json": {"path": "$.ok", "equals": true}}])");
  Passes(json_server, R"([{"json": {"path": "/ok", "equals": true}}])");
  Passes(json_server, R"([{"json": {"path": "$.id", "equals": 42.0}}])");
  Passes(json_server, R"([{"json": {"path": "$.user.name", "equals": "ann"}}])");
  Passes(json_server, R"([{"json": {"path": "$['user']['name']", "equals": "ann"}}])");
  Passes(json_server, R"([{"json": {"path": "$[\"us\\er\"]['na\\me']", "equals": "ann"}}])");
  Passes(json_server, R"([{"json": {"path": "$.items[1]", "equals": 2}}])");
  Passes(json_server, R"([{"json": {"path": "/items/0"}}])");
  Passes(json_server, R"([{"json": {"path": "$.n", "equals": null}}])");
  Passes(json_server, R"([{"json": {"path": "$.items", "equals": [1, 2]}}])");
  Fails(json_server, R"([{"json": {"path": "$.ok", "equals": false}}])", "json $.ok equals false",
        "check \"json $.ok equals false\" failed: $.ok is true");
  Fails(json_server, R"([{"json": {"path": "$.id", "equals": "42"}}])", "json $.id equals \"42\"");
  Fails(json_server, R"([{"json": {"path": "$.items[2]"}}])", "json $.items[2] exists",
        "check \"json $.items[2] exists\" failed: $.items[2] not found");
  Fails(json_server, R"([{"json": {"path": "/user/age"}}])", "json /user/age exists");
}

TEST_CASE("checks: the first failing check is reported", "[checks]") {
  TestServer server({Mode::kKeepAlive, 200, kBody, kHeaders});
  Passes(
      server,
      R"([{"status": 200}, {"body_contains": "ann"}, {"json": {"path": "$.ok", "equals": true}}])");
  Fails(
      server,
      R"([{"status": 200}, {"name": "second", "body_contains": "zzz"}, {"name": "third", "status": 500}])",
      "second");
  Fails(server, R"([{"name": "third", "status": 500}, {"name": "second", "body_contains": "zzz"}])",
        "third");
}

TEST_CASE("checks: 4xx and 5xx with and without a status check", "[checks]") {
  TestServer not_found({Mode::kKeepAlive, 404, R"({"ok": false})"});
  // A status check that accepts 404 makes it a success.
  Outcome o =
      RunChecks(not_found, R"([{"status": 404}, {"json": {"path": "$.ok", "equals": false}}])");
  CHECK(o.error == SP_E_NONE);
  CHECK(o.status == 404);
  o = RunChecks(not_found, R"([{"status": "4xx"}])");
  CHECK(o.error == SP_E_NONE);
  // A status check that does not accept it: check_failed, naming it.
  o = RunChecks(not_found, R"([{"status": 200}])");
  CHECK(o.error == SP_E_CHECK_FAILED);
  CHECK(o.failed == "status is 200");
  // Without a status check the 4xx stands, whatever the other checks would say.
  o = RunChecks(not_found, R"([{"body_contains": "zzz"}])");
  CHECK(o.error == SP_E_HTTP_4XX);
  CHECK(o.detail.empty());
  o = RunChecks(not_found, R"([{"json": {"path": "$.ok", "equals": false}}])");
  CHECK(o.error == SP_E_HTTP_4XX);

  TestServer unavailable({Mode::kKeepAlive, 503, "down"});
  o = RunChecks(unavailable, R"([{"body_contains": "down"}])");
  CHECK(o.error == SP_E_HTTP_5XX);
  o = RunChecks(unavailable, R"([{"status": [200, 503]}, {"body_contains": "down"}])");
  CHECK(o.error == SP_E_NONE);
}

TEST_CASE("checks: a body over max_body_capture fails body checks by name", "[checks]") {
  TestServer server({Mode::kKeepAlive, 200, std::string(3000, 'x') + "END"});
  TargetSettings t;
  t.base_url = server.Url();
  t.max_body_capture = 1000;
  RequestSettings body_check, status_only;
  body_check.checks = R"([{"status": 200}, {"body_contains": "END"}])";
  status_only.checks = R"([{"status": 200}, {"header": {"name": "Content-Length", "equals": "3003"}}])";
  Target target;
  REQUIRE(target.Create(t, {body_check, status_only}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1, 0) == SP_OK);
  REQUIRE(worker.Submit(2, 1) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  for (const Completion& c : worker.completions()) {
    INFO("token " << c.result.token << ": " << c.detail);
    if (c.result.token == 1) {
      CHECK(c.result.error == SP_E_CHECK_FAILED);
      CHECK(InternedName(c.result.failed_check) == "response body over max_body_capture");
      CHECK_THAT(c.detail, Catch::Contains("over max_body_capture (1000 bytes)"));
    } else {
      CHECK(c.result.error == SP_E_NONE);  // no body needed: no limit applies
    }
    CHECK(c.result.bytes_received > 3000);  // the whole response was still read
  }

  // Within the limit the same check passes.
  TargetSettings roomy = t;
  roomy.max_body_capture = 4000;
  Target big;
  REQUIRE(big.Create(roomy, {body_check}) == SP_OK);
  Worker w(big);
  REQUIRE(w.Submit(1) == SP_OK);
  REQUIRE(w.PollUntil(1));
  CHECK(w.completions()[0].result.error == SP_E_NONE);
}

TEST_CASE("checks: option errors carry the JSON pointer", "[checks]") {
  Refusal r = Refuse(R"([{"json": {"path": "$['a"}}])");
  CHECK(r.path == "/checks/0/json/path");
  CHECK_THAT(r.message, Catch::Contains("JSON path '$['a': unterminated quoted key at column 2"));

  r = Refuse(R"({"status": 200})");
  CHECK(r.option == "requests/0");
  CHECK(r.path == "/checks");
  CHECK_THAT(r.message, Catch::Contains("checks must be a list"));

  r = Refuse(R"([{"status": 200}, {"status": 200}, {"status": "abc"}])", 1);
  CHECK(r.option == "requests/1");
  CHECK(r.path == "/checks/2/status");
  CHECK_THAT(r.message, Catch::Contains("status must be a code (200), a class (\"2xx\")"));

  r = Refuse(R"([{"status": [200, 1000]}])");
  CHECK(r.path == "/checks/0/status/1");
  r = Refuse(R"([{"status": []}])");
  CHECK(r.path == "/checks/0/status");
  r = Refuse(R"([{"status": {"min": 300, "max": 200}}])");
  CHECK(r.path == "/checks/0/status/min");
  CHECK_THAT(r.message, Catch::Contains("min must not exceed max"));
  r = Refuse(R"([{"status": {"min": 200}}])");
  CHECK(r.path == "/checks/0/status");
  CHECK_THAT(r.message, Catch::Contains("needs max"));
  r = Refuse(R"([{"status": {"low": 200}}])");
  CHECK(r.path == "/checks/0/status/low");

  r = Refuse(R"([{"status": 200, "body_contains": "x"}])");
  CHECK_THAT(r.message, Catch::Contains("a check tests one thing"));
  CHECK(r.path.rfind("/checks/0/", 0) == 0);
  r = Refuse(R"([{"name": "x"}])");
  CHECK(r.path == "/checks/0");
  CHECK_THAT(r.message, Catch::Contains("check has nothing to test"));
  r = Refuse(R"([{"stauts": 200}])");
  CHECK(r.path == "/checks/0/stauts");
  CHECK_THAT(r.message, Catch::Contains("unknown key \"stauts\" in a check"));
  r = Refuse(R"([200])");
  CHECK(r.path == "/checks/0");
  r = Refuse(R"([{"name": "", "status": 200}])");
  CHECK(r.path == "/checks/0/name");

  r = Refuse(R"([{"header": {"equals": "x"}}])");
  CHECK(r.path == "/checks/0/header");
  CHECK_THAT(r.message, Catch::Contains("header needs a name"));
  r = Refuse(R"([{"header": {"name": "Bad Name"}}])");
  CHECK(r.path == "/checks/0/header/name");
  r = Refuse(R"([{"header": {"name": "X", "equals": "a", "contains": "b"}}])");
  CHECK_THAT(r.message, Catch::Contains("one of equals, contains or matches"));
  r = Refuse(R"([{"header": {"name": "X", "matches": "(unclosed"}}])");
  CHECK(r.path == "/checks/0/header/matches");
  CHECK_THAT(r.message, Catch::Contains("invalid regular expression \"(unclosed\""));

  r = Refuse(R"([{"body_contains": ""}])");
  CHECK(r.path == "/checks/0/body_contains");
  r = Refuse(R"js([{"body_matches": "a)"}])js");
  CHECK(r.path == "/checks/0/body_matches");
  CHECK_THAT(r.message, Catch::Contains("invalid regular expression"));

  r = Refuse(R"([{"json": {"equals": true}}])");
  CHECK(r.path == "/checks/0/json");
  CHECK_THAT(r.message, Catch::Contains("json needs a path"));
  r = Refuse(R"([{"json": {"path": "ok"}}])");
  CHECK(r.path == "/checks/0/json/path");
  CHECK_THAT(r.message, Catch::Contains("must start with '$'"));
  r = Refuse(R"([{"json": {"path": "$.a[x]"}}])");
  CHECK(r.path == "/checks/0/json/path");
  r = Refuse(R"([{"json": {"path": "/a~2"}}])");
  CHECK_THAT(r.message, Catch::Contains("'~' not followed by 0 or 1"));
  r = Refuse(R"([{"json": {"path": "$.a", "is": 1}}])");
  CHECK(r.path == "/checks/0/json/is");
}
