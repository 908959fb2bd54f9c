// core/plan/probe_check: the chaos checks that need no plugin, each error naming its field, and
// the loader reporting them located before anything runs.
#include "core/plan/probe_check.h"

#include <catch2/catch.hpp>
#include <string>

#include "test_util.h"

using namespace sp::plan;

TEST_CASE("CheckHttpProbe names the field", "[probe_check]") {
  auto error = [](HttpProbe spec) {
    std::string err;
    CHECK_FALSE(CheckHttpProbe(spec, &err));
    return err;
  };
  HttpProbe ok;
  ok.url = "http://localhost:8080/health";
  std::string err;
  CHECK(CheckHttpProbe(ok, &err));

  HttpProbe s = ok;
  s.url = "https://example.com/health";
  CHECK(error(s) ==
        "url 'https://example.com/health': https:// is not supported by HTTP probes; use http://");
  s.url = "ftp://example.com/";
  CHECK(error(s) == "url 'ftp://example.com/' must start with http://");
  s.url = "localhost:8080";
  CHECK(error(s).rfind("url 'localhost:8080'", 0) == 0);
  s.url = "http:///path";
  CHECK(error(s) == "url 'http:///path' has no host");

  s = ok;
  s.method = "GE T";
  CHECK(error(s) == "method 'GE T' is not an HTTP method name");
  s = ok;
  s.headers = {{"X Bad", "v"}};
  CHECK(error(s) == "headers: 'X Bad' is not a valid header name");
  s.headers = {{"X-Ok", "a\r\nInjected: 1"}};
  CHECK(error(s) == "headers: the value of 'X-Ok' contains a line break");
  s = ok;
  s.statuses = {200, 99};
  CHECK(error(s) == "statuses: 99 is not an HTTP status (100-599)");
  s = ok;
  s.timeout = Duration(0);
  CHECK(error(s) == "timeout must be longer than 0");

  s = ok;
  s.json_path = "status";
  CHECK(
      error(s) ==
      "json_path 'status' must start with '$' (like $.a.b[0]) or '/' (a JSON pointer like /a/b/0)");
  s.json_path = "$.a[";
  CHECK(
      error(s) ==
      "json_path '$.a[': expected an array index like [0] or a quoted key like ['a'] at column 4");
  s.json_path = "$..a";
  CHECK(error(s) == "json_path '$..a': expected a key after '.' at column 3");
  s.json_path = "$['a";
  CHECK(error(s) == "json_path '$['a': unterminated quoted key at column 2");
  s.json_path = "$x";
  CHECK(error(s) == "json_path '$x': expected '.' or '[', found 'x' at column 2");
  s.json_path = "/a~2";
  CHECK(error(s) ==
        "json_path '/a~2': '~' not followed by 0 or 1 at column 3 (write ~0 for ~ and ~1 for /)");

  s = ok;
  s.json_equals = "ok";
  CHECK(error(s) == "json_equals 'ok' is not valid JSON (a string needs quotes: \"\\\"ok\\\"\")");
}

TEST_CASE("the loader reports bad selectors and probes, located, before any plugin",
          "[probe_check]") {
  const std::string plan =
      std::string(sp::plan::test::kMinimal) +
      "observers:\n"
      "  - name: breaker\n"
      "    url: http://127.0.0.1:18090/metrics\n"
      "    metric: 'state{state=~\"open\"}'\n"
      "chaos:\n"
      "  steady_state:\n"
      "    - name: health\n"
      "      http: {url: 'http://127.0.0.1/h', method: 'GE T'}\n"
      "  steps:\n"
      "    - {name: pause, at: 1s, duration: 1s, fault: process, service: demo, "
      "action: pause}\n";
  auto l = sp::plan::test::Load(plan);
  INFO(l.text());
  CHECK_FALSE(l.ok);
  const Diagnostic* selector = l.find("observers.0.metric");
  REQUIRE(selector != nullptr);
  CHECK(selector->message ==
        "selector 'state{state=~\"open\"}': regex matchers (=~, !~) are not supported; use = or != "
        "at column 12");
  CHECK(selector->loc.line == 7);
  const Diagnostic* probe = l.find("chaos.steady_state.0.http");
  REQUIRE(probe != nullptr);
  CHECK(probe->message == "method 'GE T' is not an HTTP method name");
  CHECK(probe->loc.line == 12);
}

TEST_CASE("Snippet shortens and flattens text for messages", "[probe_check]") {
  CHECK(Snippet("a\r\nb") == "a  b");
  CHECK(Snippet(std::string(100, 'x'), 10) == std::string(10, 'x') + "...");
}
