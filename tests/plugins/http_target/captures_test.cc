// Captures end to end: values taken from one response and sent by later steps of the same VU
// iteration, through the worker and a server that echoes what it received.
#include <catch2/catch.hpp>

#include "test_host.h"
#include "test_server.h"

using namespace sp::http::test;
using Mode = TestServer::Mode;

namespace {

std::string RequestLine(const std::string& request) {
  return request.substr(0, request.find("\r\n"));
}

struct Refusal {
  std::string message, option, path;
};

Refusal Refuse(const std::string& capture) {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:1";
  RequestSettings r;
  r.capture = capture;
  Target target;
  INFO(capture);
  CHECK(target.Create(t, {RequestSettings{}, r}) == SP_INVALID_ARGUMENT);
  return {target.error().message, target.error().option, target.error().path};
}

}  // namespace

TEST_CASE("captures: JSON values feed the next step of the same iteration", "[captures]") {
  TestServer server({Mode::kEchoBody});
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings login;
  login.method = "POST";
  login.path = "/login";
  login.body = R"({"token": "t-{{ vu }}-{{ iteration }}", "user": {"id": {{ random_int(7, 7) }}, "tags": ["a b"]}})";
  login.capture = R"({"token": {"json": "$.token"}, "uid": {"json": "/user/id"}, "tags": {"json": "$.user.tags"}})";
  RequestSettings next;
  next.method = "POST";
  next.path = "/next/{{ token }}?uid={{ uid }}";
  next.headers = R"({"X-Token": "{{ token }}"})";
  next.body = R"({"tags": {{ tags }}, "token": "{{ token | json }}"})";
  Target target;
  REQUIRE(target.Create(t, {login, next}) == SP_OK);
  Worker worker(target);

  // Two VUs interleaved: each sees its own values.
  REQUIRE(worker.SubmitAs(1, 0, 1, 0) == SP_OK);
  REQUIRE(worker.SubmitAs(2, 0, 2, 5) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  REQUIRE(worker.SubmitAs(3, 1, 2, 5) == SP_OK);
  REQUIRE(worker.PollUntil(3));
  std::string got = server.LastRequest();
  CHECK(RequestLine(got) == "POST /next/t-2-5?uid=7 HTTP/1.1");
  CHECK_THAT(got, Catch::Contains("X-Token: t-2-5\r\n"));
  CHECK_THAT(got, Catch::EndsWith(R"({"tags": ["a b"], "token": "t-2-5"})"));
  REQUIRE(worker.SubmitAs(4, 1, 1, 0) == SP_OK);
  REQUIRE(worker.PollUntil(4));
  CHECK(RequestLine(server.LastRequest()) == "POST /next/t-1-0?uid=7 HTTP/1.1");
  CHECK(worker.Count(SP_E_NONE) == 4);

  // A new iteration starts without the old values: the dependent step is not sent.
  const int sent = server.requests();
  REQUIRE(worker.SubmitAs(5, 1, 1, 1) == SP_OK);
  REQUIRE(worker.PollUntil(5));
  const Completion& c = worker.completions()[4];
  CHECK(c.result.error == SP_E_OTHER);
  CHECK_THAT(c.detail, Catch::Contains("capture \"token\" is not set in this iteration"));
  CHECK(server.requests() == sent);
  // ... until the capturing step runs in that iteration.
  REQUIRE(worker.SubmitAs(6, 0, 1, 1) == SP_OK);
  REQUIRE(worker.SubmitAs(7, 1, 1, 1) == SP_OK);
  REQUIRE(worker.PollUntil(7));
  // Token 7 was rendered at submit, before token 6's response: it could not see the capture.
  for (size_t i = 5; i < 7; ++i) {
    const sp_result& r = worker.completions()[i].result;
    CHECK(r.error == (r.token == 6 ? SP_E_NONE : SP_E_OTHER));
  }
  REQUIRE(worker.SubmitAs(8, 1, 1, 1) == SP_OK);
  REQUIRE(worker.PollUntil(8));
  CHECK(worker.completions().back().result.error == SP_E_NONE);
  CHECK(RequestLine(server.LastRequest()) == "POST /next/t-1-1?uid=7 HTTP/1.1");
}

TEST_CASE("captures: header with regex, body regex, defaults", "[captures]") {
  TestServer server({Mode::kKeepAlive, 200, "<a href=\"/order/981\">order</a>",
                     "Set-Cookie: sid=abc123; Path=/\r\nX-Request-Id: r-1\r\n"});
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings first;
  first.capture = R"js({
    "session": {"header": "set-cookie", "regex": "sid=([^;]+)"},
    "rid": {"header": "X-Request-Id"},
    "order": {"regex": "/order/(\\d+)"},
    "page": {"regex": "<a[^>]*>"},
    "missing": {"header": "X-Nope", "default": "none"},
    "num": {"json": "$.x", "default": 5}
  })js";
  RequestSettings second;
  second.path = "/o/{{ order }}/{{ missing }}/{{ num }}";
  second.headers = R"({"Cookie": "sid={{ session }}", "X-Rid": "{{ rid }}", "X-Page": "{{ page | url }}"})";
  Target target;
  REQUIRE(target.Create(t, {first, second}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.SubmitAs(1, 0, 0, 0) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  CHECK(worker.completions()[0].result.error == SP_E_NONE);
  REQUIRE(worker.SubmitAs(2, 1, 0, 0) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  const std::string got = server.LastRequest();
  CHECK(RequestLine(got) == "GET /o/981/none/5 HTTP/1.1");
  CHECK_THAT(got, Catch::Contains("Cookie: sid=abc123\r\nX-Rid: r-1\r\nX-Page: %3Ca%20href%3D%22%2Forder%2F981%22%3E\r\n"));
}

TEST_CASE("captures: nothing found fails the step as check \"capture <name>\"", "[captures]") {
  TestServer server({Mode::kKeepAlive, 200, R"({"other": 1})"});
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings r;
  r.capture = R"({"token": {"json": "$.token"}})";
  RequestSettings header_capture;
  header_capture.capture = R"({"trace": {"header": "X-Trace"}})";
  RequestSettings with_check;  // a failing check is reported before the capture
  with_check.checks = R"([{"status": 201}])";
  with_check.capture = R"({"token": {"json": "$.token"}})";
  Target target;
  REQUIRE(target.Create(t, {r, header_capture, with_check}) == SP_OK);
  Worker worker(target);
  for (uint32_t i = 0; i < 3; ++i) {
    REQUIRE(worker.SubmitAs(i, i, 0, 0) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1));
  }
  const auto& c = worker.completions();
  CHECK(c[0].result.error == SP_E_CHECK_FAILED);
  CHECK(InternedName(c[0].result.failed_check) == "capture token");
  CHECK(c[0].detail == "capture \"token\" found nothing at $.token");
  CHECK(InternedName(c[1].result.failed_check) == "capture trace");
  CHECK(c[1].detail == "capture \"trace\" found nothing in header X-Trace");
  CHECK(InternedName(c[2].result.failed_check) == "status is 201");

  // A 4xx without a status check stays http_4xx even when a capture finds nothing.
  TestServer missing({Mode::kKeepAlive, 404, "{}"});
  TargetSettings t2;
  t2.base_url = missing.Url();
  Target target2;
  REQUIRE(target2.Create(t2, {r}) == SP_OK);
  Worker w2(target2);
  REQUIRE(w2.Submit(1) == SP_OK);
  REQUIRE(w2.PollUntil(1));
  CHECK(w2.completions()[0].result.error == SP_E_HTTP_4XX);
}

TEST_CASE("captures: a body over max_body_capture is not captured from", "[captures]") {
  TestServer server({Mode::kKeepAlive, 200, "id=7;" + std::string(5000, 'x'), "X-Id: 9\r\n"});
  TargetSettings t;
  t.base_url = server.Url();
  t.max_body_capture = 64;
  RequestSettings body, header;
  body.capture = R"js({"id": {"regex": "id=(\\d+)"}})js";
  header.capture = R"({"hid": {"header": "X-Id"}})";
  Target target;
  REQUIRE(target.Create(t, {body, header}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1, 0) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  REQUIRE(worker.Submit(2, 1) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  CHECK(worker.completions()[0].result.error == SP_E_CHECK_FAILED);
  CHECK(InternedName(worker.completions()[0].result.failed_check) ==
        "response body over max_body_capture");
  CHECK(worker.completions()[1].result.error == SP_E_NONE);
}

TEST_CASE("captures: option errors carry the JSON pointer", "[captures]") {
  Refusal r = Refuse(R"(["token"])");
  CHECK(r.option == "requests/1");
  CHECK(r.path == "/capture");
  CHECK_THAT(r.message, Catch::Contains("capture must be a map"));
  r = Refuse(R"({"1st": {"json": "$.a"}})");
  CHECK(r.path == "/capture/1st");
  CHECK_THAT(r.message, Catch::Contains("must be letters, digits and _"));
  r = Refuse(R"({"seq": {"json": "$.a"}})");
  CHECK(r.path == "/capture/seq");
  CHECK_THAT(r.message, Catch::Contains("is a built-in template value"));
  r = Refuse(R"({"a": "$.a"})");
  CHECK(r.path == "/capture/a");
  r = Refuse(R"({"a": {}})");
  CHECK(r.path == "/capture/a");
  CHECK_THAT(r.message, Catch::Contains("needs a source: json, header, cookie or regex"));
  r = Refuse(R"({"a": {"json": "$.a", "header": "X"}})");
  CHECK(r.path == "/capture/a");
  CHECK_THAT(r.message, Catch::Contains("takes json alone"));
  r = Refuse(R"({"a": {"json": "a.b"}})");
  CHECK(r.path == "/capture/a/json");
  r = Refuse(R"({"a": {"regex": "(x"}})");
  CHECK(r.path == "/capture/a/regex");
  CHECK_THAT(r.message, Catch::Contains("invalid regular expression"));
  r = Refuse(R"({"a": {"header": "Bad Header"}})");
  CHECK(r.path == "/capture/a/header");
  r = Refuse(R"({"a": {"header": "X", "from": "body"}})");
  CHECK(r.path == "/capture/a/from");
  CHECK_THAT(r.message, Catch::Contains("known keys: json, header, cookie, regex, default"));
  r = Refuse(R"({"a": {"header": "X", "default": [1]}})");
  CHECK(r.path == "/capture/a/default");
  r = Refuse(R"({"a": {"cookie": "sid", "header": "Set-Cookie"}})");
  CHECK(r.path == "/capture/a");
  CHECK_THAT(r.message, Catch::Contains("header or cookie"));
  r = Refuse(R"({"a": {"cookie": "s i d"}})");
  CHECK(r.path == "/capture/a/cookie");
  CHECK_THAT(r.message, Catch::Contains("cookie must be a cookie name"));
}
