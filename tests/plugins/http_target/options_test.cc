// Option validation and request rendering, through the plugin's create() as the host calls it.
#include <catch2/catch.hpp>
#include <cstring>

#include "plugins/http_target/options.h"
#include "plugins/http_target/plugin_abi.h"
#include "test_host.h"
#include "test_server.h"

using namespace sp::http::test;

namespace {

struct Refusal {
  std::string message, option, path;
};

Refusal Refuse(const TargetSettings& t, const std::vector<RequestSettings>& r) {
  Target target;
  const sp_status status = target.Create(t, r);
  CHECK(status == SP_INVALID_ARGUMENT);
  CHECK(target.instance() == nullptr);
  // check_options (ABI 1.2) refuses exactly what create refuses, with the same words.
  CHECK(target.check_status() == SP_INVALID_ARGUMENT);
  CHECK(std::string(target.check_error().message) == target.error().message);
  CHECK(std::string(target.check_error().option) == target.error().option);
  CHECK(std::string(target.check_error().path) == target.error().path);
  return {target.error().message, target.error().option, target.error().path};
}

TargetSettings Local() {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:1";
  return t;
}

RequestSettings Request(std::string method, std::string path) {
  RequestSettings r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

}  // namespace

TEST_CASE("descriptor: name, kind, version and option tables", "[options]") {
  const sp_plugin_descriptor* d = sp::http::PluginDescriptor();
  CHECK(d->struct_size == sizeof(sp_plugin_descriptor));
  CHECK(d->abi_major == SP_ABI_VERSION_MAJOR);
  CHECK(d->kind == SP_KIND_TARGET);
  CHECK(std::string(d->name) == "http");
  CHECK(std::string(d->version) == "0.1.0");
  CHECK(d->init == nullptr);
  CHECK(d->shutdown == nullptr);
  REQUIRE(d->option_count == sp::http::kTargetOptionCount);
  CHECK(std::string(d->options[0].name) == "base_url");
  CHECK(d->options[0].required == 1);
  CHECK(std::string(d->options[1].default_value) == "5s");
  CHECK(std::string(d->options[2].default_value) == "30s");
  CHECK(d->options[3].type == SP_OPT_JSON);
  const auto* vt = static_cast<const sp_target_vtable*>(d->vtable);
  CHECK(vt->struct_size == sizeof(sp_target_vtable));
  REQUIRE(vt->request_option_count == 12);
  const char* names[] = {"method",    "path",          "headers",      "body",
                         "capture",   "checks",        "rules",        "cookies",
                         "form",      "multipart",     "multipart_dir", "max_redirects"};
  for (size_t i = 0; i < 12; ++i) CHECK(std::string(vt->request_options[i].name) == names[i]);
  for (size_t i = 4; i < 7; ++i) CHECK(vt->request_options[i].type == SP_OPT_JSON);
  CHECK(vt->request_options[sp::http::kRequestCookies].type == SP_OPT_BOOL);
  CHECK(vt->request_options[sp::http::kForm].type == SP_OPT_JSON);
  CHECK(vt->request_options[sp::http::kMultipart].type == SP_OPT_JSON);
  CHECK(vt->request_options[sp::http::kMultipartDir].type == SP_OPT_PATH);
  CHECK(std::string(vt->request_options[sp::http::kMultipartDir].default_value) == ".");
  CHECK(vt->request_options[sp::http::kRequestCookies].default_value == nullptr);  // the target's
  CHECK(std::string(d->options[sp::http::kCookies].name) == "cookies");
  CHECK(std::string(d->options[sp::http::kCookies].default_value) == "true");
  CHECK(std::string(d->options[sp::http::kCookiesReset].default_value) == "never");
  CHECK(std::string(d->options[sp::http::kMaxRedirects].name) == "max_redirects");
  CHECK(d->options[sp::http::kMaxRedirects].type == SP_OPT_INT);
  CHECK(std::string(d->options[sp::http::kMaxRedirects].default_value) == "10");
  CHECK(vt->request_options[sp::http::kRequestMaxRedirects].type == SP_OPT_INT);
  CHECK(vt->request_options[sp::http::kRequestMaxRedirects].default_value == nullptr);
  CHECK(std::string(d->options[sp::http::kDataFile].name) == "data_file");
  CHECK(d->options[sp::http::kDataFile].type == SP_OPT_PATH);
  CHECK(std::string(d->options[sp::http::kDataMode].default_value) == "sequential");
  CHECK(d->options[sp::http::kTargetRules].type == SP_OPT_JSON);
  CHECK(std::string(d->options[sp::http::kMaxBodyCapture].default_value) == "1MiB");
  CHECK(std::string(vt->request_options[0].default_value) == "GET");
  CHECK(std::string(vt->request_options[1].default_value) == "/");
}

TEST_CASE("options: target-level errors name the option", "[options]") {
  TargetSettings t;
  Refusal r = Refuse(t, {});
  CHECK(r.option == "base_url");
  CHECK_THAT(r.message, Catch::Contains("base_url is required"));

  t.base_url = "ftp://example.com";
  r = Refuse(t, {});
  CHECK(r.option == "base_url");
  CHECK(r.path.empty());
  CHECK_THAT(r.message, Catch::Contains("use http:// or https://"));

  t = Local();
  t.connect_timeout_ns = 0;
  r = Refuse(t, {});
  CHECK(r.option == "connect_timeout");
  CHECK_THAT(r.message, Catch::Contains("greater than zero"));

  t = Local();
  t.headers = R"({"X-Ok": "1", "Bad Name": "x"})";
  r = Refuse(t, {});
  CHECK(r.option == "headers");
  CHECK(r.path == "/Bad Name");

  t.headers = R"(["not", "a", "map"])";
  r = Refuse(t, {});
  CHECK(r.option == "headers");
  CHECK(r.path.empty());
  CHECK_THAT(r.message, Catch::Contains("map of header name to value"));
}

TEST_CASE("options: local_addresses must be distinct IP literals", "[options]") {
  TargetSettings t = Local();
  for (const char* ok : {R"(["127.0.0.2", "127.0.0.3"])", R"(["127.0.0.1", "::1"])"}) {
    INFO(ok);
    t.local_addresses = ok;
    Target target;
    CHECK(target.Create(t, {}) == SP_OK);
  }
  const struct {
    const char* json;
    const char* path;
    const char* message;
  } refused[] = {
      {R"("127.0.0.2")", "", "local_addresses must be a non-empty list of IP addresses"},
      {R"({"a": "127.0.0.2"})", "", "local_addresses must be a non-empty list"},
      {"[]", "", "(the list is empty)"},
      {R"(["127.0.0.2", "localhost"])", "/1", "\"localhost\" is not an IPv4 or IPv6 address"},
      {R"(["127.0.0.2:80"])", "/0", "\"127.0.0.2:80\" is not an IPv4 or IPv6 address"},
      {R"(["[::1]"])", "/0", "\"[::1]\" is not an IPv4 or IPv6 address"},
      {R"([2130706434])", "/0", "\"2130706434\" is not an IPv4 or IPv6 address"},
      {R"(["127.0.0.2", "127.0.0.3", "127.0.0.2"])", "/2", "\"127.0.0.2\" is listed twice"},
      {R"(["::1", "0:0::1"])", "/1", "\"0:0::1\" is listed twice (as \"::1\")"},
      // base_url's host is IPv4: an IPv6-only list cannot reach it.
      {R"(["::1"])", "", "local_addresses has no IPv4 address, but connections go to 127.0.0.1"},
  };
  for (const auto& r : refused) {
    INFO(r.json);
    t.local_addresses = r.json;
    const Refusal refusal = Refuse(t, {});
    CHECK(refusal.option == "local_addresses");
    CHECK(refusal.path == r.path);
    CHECK_THAT(refusal.message, Catch::Contains(r.message));
  }

  // `resolve` pins the host to an address: its family is the one the list must have.
  t.base_url = "http://shop.test:8080";
  t.resolve = R"({"shop.test:8080": "::1"})";
  t.local_addresses = R"(["127.0.0.2"])";
  Refusal r = Refuse(t, {});
  CHECK(r.option == "local_addresses");
  CHECK_THAT(r.message, Catch::Contains("no IPv6 address, but connections go to ::1"));
  // A host name may resolve to either family: the list is checked per connection instead.
  t.resolve.reset();
  Target named;
  CHECK(named.Create(t, {}) == SP_OK);
}

TEST_CASE("options: request errors name requests/<index> and a JSON pointer", "[options]") {
  const RequestSettings ok;
  Refusal r = Refuse(Local(), {ok, Request("GE T", "/")});
  CHECK(r.option == "requests/1");
  CHECK(r.path == "/method");
  CHECK_THAT(r.message, Catch::Contains("not a valid HTTP method"));

  r = Refuse(Local(), {Request("GET", "users")});
  CHECK(r.option == "requests/0");
  CHECK(r.path == "/path");
  CHECK_THAT(r.message, Catch::Contains("must start with '/'"));

  r = Refuse(Local(), {Request("GET", "/a b")});
  CHECK(r.path == "/path");
  CHECK_THAT(r.message, Catch::Contains("percent-encode"));

  RequestSettings h;
  h.headers = R"({"X-Foo": "a\r\nInjected: yes"})";
  r = Refuse(Local(), {ok, ok, h});
  CHECK(r.option == "requests/2");
  CHECK(r.path == "/headers/X-Foo");
  CHECK_THAT(r.message, Catch::Contains("line break"));

  h.headers = R"({"Content-Length": "3"})";
  r = Refuse(Local(), {h});
  CHECK(r.path == "/headers/Content-Length");
  CHECK_THAT(r.message, Catch::Contains("set by the http target"));

  h.headers = R"({"a/b~c": "x"})";
  r = Refuse(Local(), {h});
  CHECK(r.path == "/headers/a~1b~0c");

  h.headers = R"({"X-Obj": {"nested": 1}})";
  r = Refuse(Local(), {h});
  CHECK(r.path == "/headers/X-Obj");
  CHECK_THAT(r.message, Catch::Contains("quote it"));

  h.headers = R"("X-Foo: 1")";
  r = Refuse(Local(), {h});
  CHECK(r.path == "/headers");
}

TEST_CASE("options: rendered requests as the server receives them", "[options]") {
  TestServer server({});
  TargetSettings t;
  t.base_url = server.Url() + "/api/";
  t.headers = R"({"X-Target": "t", "User-Agent": "custom/1", "X-Shared": "from-target"})";

  RequestSettings get = Request("GET", "/items?page=2");
  get.headers = R"({"x-shared": "from-request", "X-Count": 3, "X-Flag": true})";
  RequestSettings post = Request("POST", "/items");
  post.body = R"({"name": "a"})";
  RequestSettings text = Request("PUT", "/note");
  text.body = "plain words";
  RequestSettings empty_post = Request("POST", "/ping");
  RequestSettings typed = Request("PATCH", "/x");
  typed.body = "[1,2]";
  typed.headers = R"({"Content-Type": "application/vnd.custom+json"})";

  Target target;
  REQUIRE(target.Create(t, {get, post, text, empty_post, typed}) == SP_OK);
  Worker worker(target);
  const std::string host = "Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n";

  REQUIRE(worker.Submit(1, 0) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  CHECK(server.LastRequest() ==
        "GET /api/items?page=2 HTTP/1.1\r\n" + host +
            "X-Target: t\r\nUser-Agent: custom/1\r\nx-shared: from-request\r\nX-Count: 3\r\n"
            "X-Flag: true\r\n\r\n");

  REQUIRE(worker.Submit(2, 1) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  CHECK(server.LastRequest() ==
        "POST /api/items HTTP/1.1\r\n" + host +
            "X-Target: t\r\nUser-Agent: custom/1\r\nX-Shared: from-target\r\n"
            "Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"name\": \"a\"}");
  CHECK(worker.completions()[1].result.bytes_sent == server.LastRequest().size());

  REQUIRE(worker.Submit(3, 2) == SP_OK);
  REQUIRE(worker.PollUntil(3));
  CHECK_THAT(
      server.LastRequest(),
      Catch::Contains(
          "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 11\r\n\r\nplain words"));

  REQUIRE(worker.Submit(4, 3) == SP_OK);
  REQUIRE(worker.PollUntil(4));
  CHECK_THAT(server.LastRequest(),
             Catch::EndsWith("X-Shared: from-target\r\nContent-Length: 0\r\n\r\n"));

  REQUIRE(worker.Submit(5, 4) == SP_OK);
  REQUIRE(worker.PollUntil(5));
  CHECK_THAT(server.LastRequest(),
             Catch::Contains(
                 "Content-Type: application/vnd.custom+json\r\nContent-Length: 5\r\n\r\n[1,2]"));
  CHECK(server.LastRequest().find("application/json") == std::string::npos);

  CHECK(worker.Count(SP_E_NONE) == 5);
  CHECK(server.connections() == 1);
}

TEST_CASE("options: default User-Agent and Host", "[options]") {
  TestServer server({});
  TargetSettings t;
  t.base_url = server.Url();
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  CHECK(server.LastRequest() ==
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
            "\r\nUser-Agent: stressplan/0.1.0\r\n\r\n");
}
