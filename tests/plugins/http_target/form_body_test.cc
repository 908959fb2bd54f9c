// The `form` request option (form_body.h): the body text it stands for, and the request the
// worker sends with it, templates rendered and encoded per request.
#include <catch2/catch.hpp>

#include "plugins/http_target/form_body.h"
#include "test_host.h"
#include "test_server.h"

using namespace sp::http::test;

namespace {

std::string Text(const std::string& form) {
  std::string body;
  sp::http::OptionError err;
  INFO(form);
  REQUIRE(sp::http::FormBodyText(form, "requests/0", &body, &err));
  return body;
}

sp::http::OptionError Refusal(const std::string& form) {
  std::string body;
  sp::http::OptionError err;
  INFO(form);
  CHECK_FALSE(sp::http::FormBodyText(form, "requests/0", &body, &err));
  CHECK(err.option == "requests/0");
  return err;
}

}  // namespace

TEST_CASE("form: fields in the plan's order, encoded, lists repeated", "[form]") {
  CHECK(Text(R"({"user": "ann b", "remember": true, "n": 42, "empty": null})") ==
        "user=ann+b&remember=true&n=42&empty=");
  CHECK(Text(R"({"z": "1", "a": "2"})") == "z=1&a=2");  // not sorted
  CHECK(Text(R"({"tag": ["a", "b&c"], "x": []})") == "tag=a&tag=b%26c");
  CHECK(Text(R"({"ü n=": "é/~*"})") == "%C3%BC+n%3D=%C3%A9%2F%7E*");
  CHECK(Text("{}").empty());
}

TEST_CASE("form: templates keep their markup and gain the form filter", "[form]") {
  CHECK(Text(R"({"id": "u-{{ vu }} x", "t": "{{ token | json }}"})") ==
        "id=u-{{ vu | form }}+x&t={{ token | json | form }}");
  CHECK(Text(R"({"half": "a {{ b"})") == "half=a+%7B%7B+b");  // no closing }}: literal text
}

TEST_CASE("form: refusals name the field", "[form]") {
  CHECK(Refusal(R"(["a"])").path == "/form");
  CHECK(Refusal("not json").path == "/form");
  CHECK(Refusal(R"({"a": {"b": 1}})").path == "/form/a");
  CHECK(Refusal(R"({"a": [1, [2]]})").path == "/form/a/1");
  const sp::http::OptionError e = Refusal(R"({"{{ vu }}": "x"})");
  CHECK_THAT(e.message, Catch::Contains("name cannot use {{ }} templates"));
}

TEST_CASE("form: the worker sends it rendered per request, with its Content-Type", "[form]") {
  TestServer server({TestServer::Mode::kEcho});
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings login;
  login.method = "POST";
  login.path = "/login";
  login.form = R"({"user": "vu {{ vu }}&co", "keep": true})";
  RequestSettings both = login;
  both.body = "x";
  Target refused;
  CHECK(refused.Create(t, {both}) == SP_INVALID_ARGUMENT);
  CHECK_THAT(refused.error().message,
             Catch::Contains("one of body, form or multipart, not several"));

  Target target;
  REQUIRE(target.Create(t, {login}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.SubmitAs(1, 0, 7, 0) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  const std::string got = server.LastRequest();
  CHECK_THAT(got, Catch::Contains("Content-Type: application/x-www-form-urlencoded\r\n"));
  CHECK_THAT(got, Catch::Contains("Content-Length: 24\r\n"));
  CHECK_THAT(got, Catch::EndsWith("\r\n\r\nuser=vu+7%26co&keep=true"));
}
