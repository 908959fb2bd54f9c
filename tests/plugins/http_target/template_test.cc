// Templates: compile errors, every value and filter, escapes, and rendered requests as the
// server receives them (Content-Length after rendering, path encoding, header injection).
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>

#include "plugins/http_target/data_file.h"
#include "plugins/http_target/template.h"
#include "test_host.h"
#include "test_server.h"

using namespace sp::http;
using namespace sp::http::test;
using Mode = TestServer::Mode;

namespace {

struct Fixture {
  std::map<std::string, uint32_t, std::less<>> captures{{"token", 0}, {"user", 1}};
  std::unique_ptr<DataSet> data;
  Rng rng{42};
  VuVars vars;
  RenderState state;

  Fixture() {
    CsvTable t;
    std::string err;
    REQUIRE(ParseCsv("name,city\nann,Oslo\nbob,\"New York\"\n", &t, &err));
    data = std::make_unique<DataSet>(std::move(t), DataMode::kSequential, "users.csv");
    vars.values = {"tok-1", ""};
    vars.set = {1, 0};
    state.rng = &rng;
    state.vars = &vars;
    state.row = &data->Row(1);
    state.vu = 7;
    state.iteration = 3;
    state.seq = 1001;
    state.unix_ns = 1'700'000'000'123'456'789;
  }
  TemplateScope Scope() const { return {data.get(), &captures}; }

  std::string Render(std::string_view text, TemplateContext ctx = TemplateContext::kBody) {
    Template t;
    std::string err;
    INFO(text);
    REQUIRE(Template::Compile(text, ctx, Scope(), &t, &err));
    std::string out;
    state.error.clear();
    REQUIRE(t.Render(state, &out));
    return out;
  }
  std::string CompileError(std::string_view text) {
    Template t;
    std::string err;
    CHECK_FALSE(Template::Compile(text, TemplateContext::kBody, Scope(), &t, &err));
    return err;
  }
  std::string RenderError(std::string_view text, TemplateContext ctx = TemplateContext::kBody) {
    Template t;
    std::string err;
    REQUIRE(Template::Compile(text, ctx, Scope(), &t, &err));
    std::string out;
    CHECK_FALSE(t.Render(state, &out));
    return state.error;
  }
};

}  // namespace

TEST_CASE("template: literal text, escapes and stray braces", "[template]") {
  Fixture f;
  CHECK(f.Render("plain") == "plain");
  CHECK(f.Render("") == "");
  CHECK(f.Render("{{{{ vu }}") == "{{ vu }}");
  CHECK(f.Render("a {{{{b}} c") == "a {{b}} c");
  CHECK(f.Render(R"({"a": {"b": 1}})") == R"({"a": {"b": 1}})");  // }} outside a slot is text
  CHECK(f.Render("}}") == "}}");
  CHECK(f.Render("{ {vu} }") == "{ {vu} }");
  CHECK(f.Render("{{'{{'}} vu }}") == "{{ vu }}");
  CHECK_FALSE(Template::HasMarkup("{ }"));
  CHECK(Template::HasMarkup("x{{"));
}

TEST_CASE("template: built-in values", "[template]") {
  Fixture f;
  CHECK(f.Render("{{vu}}") == "7");
  CHECK(f.Render("{{ vu }}/{{ iteration }}") == "7/3");
  CHECK(f.Render("{{  seq  }}") == "1001");
  CHECK(f.Render("{{ timestamp }}") == "1700000000");
  CHECK(f.Render("{{ timestamp_ms }}") == "1700000000123");
  CHECK(f.Render("{{ 'lit' }}{{ \"x\\\"y\" }}{{ 42 }}{{ -3 }}") == "litx\"y42-3");
  CHECK(f.Render("{{ data.name }} from {{ data.city }}") == "bob from New York");
  CHECK(f.Render("{{ token }}") == "tok-1");

  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> uuids;
  for (int i = 0; i < 200; ++i) {
    const std::string u = f.Render("{{ uuid }}");
    CHECK(std::regex_match(u, uuid_v4));
    uuids.insert(u);
  }
  CHECK(uuids.size() == 200);
  CHECK(std::regex_match(f.Render("{{ uuid() }}"), uuid_v4));
}

TEST_CASE("template: random_int, random_string and pick", "[template]") {
  Fixture f;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const int v = std::stoi(f.Render("{{ random_int(-2, 3) }}"));
    CHECK(v >= -2);
    CHECK(v <= 3);
    seen.insert(std::to_string(v));
  }
  CHECK(seen.size() == 6);  // every value of the range shows up
  CHECK(f.Render("{{ random_int(5, 5) }}") == "5");
  const std::string big = f.Render("{{ random_int(-9223372036854775808, 9223372036854775807) }}");
  CHECK_FALSE(big.empty());

  const std::string s = f.Render("{{ random_string(32) }}");
  CHECK(s.size() == 32);
  CHECK(std::regex_match(s, std::regex("[A-Za-z0-9]{32}")));
  CHECK(f.Render("{{ random_string(32) }}") != s);

  seen.clear();
  for (int i = 0; i < 300; ++i) seen.insert(f.Render("{{ pick(red, 'dark blue', \"a,b\", 7) }}"));
  CHECK(seen == std::set<std::string>{"red", "dark blue", "a,b", "7"});
  CHECK(f.Render("{{ pick(only) }}") == "only");
}

TEST_CASE("template: filters and output contexts", "[template]") {
  Fixture f;
  f.vars.values[0] = "a \"q\" \\ \n/é?&=#";
  CHECK(f.Render("{{ token | json }}") == "a \\\"q\\\" \\\\ \\n/é?&=#");
  CHECK(f.Render("{{ token | url }}") == "a%20%22q%22%20%5C%20%0A%2F%C3%A9%3F%26%3D%23");
  CHECK(f.Render("{{ token|json|url }}") ==
        "a%20%5C%22q%5C%22%20%5C%5C%20%5Cn%2F%C3%A9%3F%26%3D%23");
  // In a path: what a request target cannot carry is percent-encoded, the rest kept.
  CHECK(f.Render("/x/{{ token }}", TemplateContext::kPath) ==
        "/x/a%20\"q\"%20\\%20%0A/%C3%A9?&=%23");
  CHECK(f.Render("/c/{{ data.city }}", TemplateContext::kPath) == "/c/New%20York");
  // In a header: a line break is refused at render, never sent.
  CHECK_THAT(f.RenderError("{{ token }}", TemplateContext::kHeader),
             Catch::Contains("contains a line break or control character"));
  f.vars.values[0] = "fine\tvalue";
  CHECK(f.Render("{{ token }}", TemplateContext::kHeader) == "fine\tvalue");
}

TEST_CASE("template: a capture not set in this iteration fails the render", "[template]") {
  Fixture f;
  CHECK_THAT(f.RenderError("x{{ user }}"),
             Catch::Contains("capture \"user\" is not set in this iteration"));
}

TEST_CASE("template: compile errors say where and what", "[template]") {
  Fixture f;
  CHECK_THAT(
      f.CompileError("ab{{ usr }}"),
      Catch::StartsWith("template error at character 6 (in {{ usr }}): unknown name \"usr\"") &&
          Catch::Contains("known: vu, iteration, seq"));
  CHECK_THAT(f.CompileError("{{ vu "), Catch::Contains("unterminated {{"));
  CHECK_THAT(f.CompileError("x {{"), Catch::Contains("unterminated {{"));
  CHECK_THAT(f.CompileError("{{ }}"), Catch::Contains("empty {{ }}"));
  CHECK_THAT(f.CompileError("{{ vu vu }}"), Catch::Contains("expected }} or a | filter"));
  CHECK_THAT(f.CompileError("{{ vu | upper }}"), Catch::Contains("unknown filter \"upper\""));
  CHECK_THAT(f.CompileError("{{ random_int(1) }}"),
             Catch::Contains("random_int takes 2 argument(s)"));
  CHECK_THAT(f.CompileError("{{ random_int(5, 1) }}"), Catch::Contains("min <= max"));
  CHECK_THAT(f.CompileError("{{ random_int(a, 1) }}"),
             Catch::Contains("expected a whole number, got \"a\""));
  CHECK_THAT(f.CompileError("{{ random_int(1, 99999999999999999999) }}"),
             Catch::Contains("expected a whole number"));
  CHECK_THAT(f.CompileError("{{ random_string(0) }}"),
             Catch::Contains("length must be 1 to 65536"));
  CHECK_THAT(f.CompileError("{{ random_string }}"), Catch::Contains("is a function"));
  CHECK_THAT(f.CompileError("{{ pick() }}"), Catch::Contains("pick needs at least one choice"));
  CHECK_THAT(f.CompileError("{{ pick(a, }}"), Catch::Contains("expected an argument"));
  CHECK_THAT(f.CompileError("{{ pick('a }}"), Catch::Contains("string is not closed"));
  CHECK_THAT(f.CompileError("{{ nope(1) }}"), Catch::Contains("unknown function \"nope\""));
  CHECK_THAT(f.CompileError("{{ uuid(1) }}"), Catch::Contains("uuid takes no arguments"));
  CHECK_THAT(f.CompileError("{{ data.country }}"),
             Catch::Contains("no column \"country\"; its columns: name, city"));
  CHECK_THAT(f.CompileError("{{ data }}"), Catch::Contains("data.<column>"));
  CHECK_THAT(f.CompileError("{{ data. }}"), Catch::Contains("expected a column name"));

  Template t;
  std::string err;
  CHECK_FALSE(
      Template::Compile("{{ data.name }}", TemplateContext::kBody, TemplateScope{}, &t, &err));
  CHECK_THAT(err, Catch::Contains("needs a data file: set the target option data_file"));
}

TEST_CASE("template: sample replaces slots for create-time checks", "[template]") {
  Fixture f;
  Template t;
  std::string err;
  REQUIRE(Template::Compile(R"({"id": {{ seq }}, "t": "{{ pick(a,b) }}", "x": "{{{{"})",
                            TemplateContext::kBody, f.Scope(), &t, &err));
  CHECK(t.Sample() == R"({"id": 0, "t": "0", "x": "{{"})");
  CHECK((t.uses() & kUsesSeq) != 0);
  CHECK((t.uses() & kUsesData) == 0);
}

// ---- through the worker ------------------------------------------------------------------

TEST_CASE("template: rendered requests on the wire, Content-Length after rendering", "[template]") {
  TestServer server({Mode::kEcho});
  TargetSettings t;
  t.base_url = server.Url() + "/api";
  t.headers = R"({"X-Run": "vu-{{ vu }}"})";
  RequestSettings post;
  post.method = "POST";
  post.path = "/users/{{ vu }}/items?i={{ iteration }}&q={{ 'a b' }}";
  post.headers = R"({"X-Seq": "{{ seq }}", "X-Fixed": "f"})";
  post.body = R"({"vu": {{ vu }}, "name": "{{ random_string(12) }}"})";
  RequestSettings plain;  // no templates of its own, but the target header has one
  Target target;
  REQUIRE(target.Create(t, {post, plain}) == SP_OK);
  Worker worker(target);

  REQUIRE(worker.SubmitAs(1, 0, 12, 5) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  const std::string got = server.LastRequest();
  const std::regex expected(
      "POST /api/users/12/items\\?i=5&q=a%20b HTTP/1\\.1\r\n"
      "Host: 127\\.0\\.0\\.1:[0-9]+\r\nUser-Agent: stressplan/[0-9.]+\r\n"
      "X-Run: vu-12\r\nX-Seq: ([0-9]+)\r\nX-Fixed: f\r\n"
      "Content-Type: application/json\r\nContent-Length: 34\r\n\r\n"
      "\\{\"vu\": 12, \"name\": \"[A-Za-z0-9]{12}\"\\}");
  INFO(got);
  CHECK(std::regex_match(got, expected));
  CHECK(worker.completions()[0].result.bytes_sent == got.size());

  // The same step again: fresh values, same length bookkeeping; seq grows within the worker.
  REQUIRE(worker.SubmitAs(2, 0, 123, 0) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  const std::string again = server.LastRequest();
  CHECK_THAT(again, Catch::Contains("Content-Length: 35\r\n"));
  std::smatch m1, m2;
  REQUIRE(std::regex_search(got, m1, std::regex("X-Seq: ([0-9]+)")));
  REQUIRE(std::regex_search(again, m2, std::regex("X-Seq: ([0-9]+)")));
  CHECK(std::stoull(m2[1]) == std::stoull(m1[1]) + 1);

  REQUIRE(worker.SubmitAs(3, 1, 9, 0) == SP_OK);
  REQUIRE(worker.PollUntil(3));
  CHECK_THAT(server.LastRequest(), Catch::Contains("X-Run: vu-9\r\n"));
  CHECK(worker.Count(SP_E_NONE) == 3);
  CHECK(server.connections() == 1);
}

TEST_CASE(
    "template: seq in segment I of N is the plan's I+1, I+1+N, ...: disjoint, and all together",
    "[template]") {
  TestServer server({Mode::kEcho});
  RequestSettings r;
  r.path = "/s/{{ seq }}";
  // Each segment draws 300 values over two workers (more than one block of each worker).
  const auto values = [&](uint32_t index, uint32_t count) {
    TargetSettings t;
    t.base_url = server.Url();
    t.segment_index = index;
    t.segment_count = count;
    Target target;
    REQUIRE(target.Create(t, {r}) == SP_OK);
    Worker w1(target);
    Worker w2(target);
    std::vector<uint64_t> got;
    for (uint64_t token = 0; token < 300; ++token) {
      Worker& w = token % 2 == 0 ? w1 : w2;
      REQUIRE(w.SubmitAs(token, 0, 0, token) == SP_OK);
      REQUIRE(w.PollUntil(w.completions().size() + 1));
      const std::string line = server.LastRequest();
      got.push_back(std::stoull(line.substr(line.find("/s/") + 3)));
    }
    return got;
  };
  std::set<uint64_t> whole;
  for (uint64_t v : values(0, 1)) whole.insert(v);
  CHECK(whole.size() == 300);
  CHECK(*whole.begin() == 1);

  std::set<uint64_t> all;
  for (uint32_t index = 0; index < 3; ++index) {
    for (uint64_t v : values(index, 3)) {
      CHECK(v >= 1);
      CHECK((v - 1) % 3 == index);  // the plan's value I+1 + kN
      CHECK(all.insert(v).second);  // no other segment sent it
    }
  }
  CHECK(all.size() == 900);
  CHECK(all.count(1) == 1);  // segment 0 starts where a whole run does
  CHECK(all.count(2) == 1);
  CHECK(all.count(3) == 1);
}

TEST_CASE("template: a host older than ABI 1.5 cannot say its segment: seq counts as a whole run",
          "[template]") {
  TestServer server({Mode::kEcho});
  TargetSettings t;
  t.base_url = server.Url();
  t.segment_index = 2;  // what the test host would answer, were the table long enough
  t.segment_count = 3;
  t.host_abi_minor = 4;
  RequestSettings r;
  r.path = "/s/{{ seq }}";
  Target target;
  REQUIRE(target.Create(t, {r}) == SP_OK);
  Worker w(target);
  for (uint64_t token = 0; token < 3; ++token) {
    REQUIRE(w.SubmitAs(token, 0, 0, token) == SP_OK);
    REQUIRE(w.PollUntil(token + 1));
    CHECK_THAT(server.LastRequest(),
               Catch::StartsWith("GET /s/" + std::to_string(token + 1) + " "));
  }
}

TEST_CASE("template: only {{{{ escapes keeps fixed bytes", "[template]") {
  TestServer server({Mode::kEcho});
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings r;
  r.method = "POST";
  r.body = "{{{{ not a template }}";
  Target target;
  REQUIRE(target.Create(t, {r}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  CHECK_THAT(server.LastRequest(),
             Catch::EndsWith("Content-Type: text/plain; charset=utf-8\r\nContent-Length: "
                             "20\r\n\r\n{{ not a template }}"));
}

TEST_CASE("template: a header value that would inject a line is not sent", "[template]") {
  TestServer server({Mode::kEchoBody});
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings first;  // the echoed body holds a line break, captured as it is
  first.method = "POST";
  first.body = "a\r\nInjected: yes";
  first.capture = R"({"v": {"regex": "[\\s\\S]*"}})";
  RequestSettings second;
  second.headers = R"({"X-V": "{{ v }}"})";
  Target target;
  REQUIRE(target.Create(t, {first, second}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.SubmitAs(1, 0, 0, 0) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  REQUIRE(worker.completions()[0].result.error == SP_E_NONE);
  REQUIRE(worker.SubmitAs(2, 1, 0, 0) == SP_OK);
  CHECK(worker.completions().size() == 1);  // never completed from inside submit
  REQUIRE(worker.PollUntil(2));
  const Completion& c = worker.completions()[1];
  CHECK(c.result.error == SP_E_OTHER);
  CHECK(c.result.bytes_sent == 0);
  CHECK_THAT(c.detail, Catch::Contains("line break"));
  CHECK(server.requests() == 1);
}

TEST_CASE("template: option errors name the request and the field", "[template]") {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:1";
  const auto refuse = [&](const RequestSettings& r, const TargetSettings& ts) {
    Target target;
    CHECK(target.Create(ts, {RequestSettings{}, r}) == SP_INVALID_ARGUMENT);
    return std::array<std::string, 3>{target.error().message, target.error().option,
                                      target.error().path};
  };
  RequestSettings r;
  r.path = "/a/{{ nope }}";
  auto e = refuse(r, t);
  CHECK(e[1] == "requests/1");
  CHECK(e[2] == "/path");
  CHECK_THAT(e[0], Catch::Contains("unknown name \"nope\""));

  r = RequestSettings{};
  r.path = "{{ vu }}";  // the literal part must still start with '/'
  e = refuse(r, t);
  CHECK(e[2] == "/path");
  CHECK_THAT(e[0], Catch::Contains("must start with '/'"));

  r = RequestSettings{};
  r.path = "/a b/{{ vu }}";
  e = refuse(r, t);
  CHECK(e[2] == "/path");
  CHECK_THAT(e[0], Catch::Contains("percent-encode"));

  r = RequestSettings{};
  r.headers = R"({"X-A": "{{ random_int(2, 1) }}"})";
  e = refuse(r, t);
  CHECK(e[1] == "requests/1");
  CHECK(e[2] == "/headers/X-A");
  CHECK_THAT(e[0], Catch::Contains("min <= max"));

  r = RequestSettings{};
  r.body = "{{ data.x }}";
  e = refuse(r, t);
  CHECK(e[2] == "/body");
  CHECK_THAT(e[0], Catch::Contains("data_file"));

  r = RequestSettings{};
  r.body = "{{ later }}";  // a capture defined by a later step is not visible
  r.capture = R"({"later": {"json": "$.x"}})";
  e = refuse(r, t);
  CHECK(e[2] == "/body");
  CHECK_THAT(e[0], Catch::Contains("unknown name \"later\""));

  TargetSettings bad = t;
  bad.headers = R"({"X-T": "{{ seq"})";
  e = refuse(RequestSettings{}, bad);
  CHECK(e[1] == "headers");
  CHECK(e[2] == "/X-T");
  CHECK_THAT(e[0], Catch::Contains("unterminated"));
}
