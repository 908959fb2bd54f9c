// Cookies end to end (cookie_session.h): what a loopback server sets with Set-Cookie comes
// back in the Cookie header of the same VU's later requests, through the worker and the
// plugin's vtable, and what the options say turns it off or clears it.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "plugins/http_target/cookie_session.h"
#include "script_server.h"
#include "test_host.h"

using namespace sp::http::test;

namespace {

// Answers every request of every connection, keeping them in order. GET /login?u=N sets
// sid=N (and a theme cookie for an hour); /logout deletes sid; anything else is answered 200.
class CookieServer {
 public:
  CookieServer()
      : server_([](const std::string& request) { return Answer(RequestPath(request)); }) {}

  std::string Url() const { return server_.Url(); }

  // The Cookie header of the n-th request (0-based), "" when it had none.
  std::string CookieOf(size_t n) const {
    const std::vector<std::string> requests = server_.Requests();
    if (n >= requests.size()) return "<no request " + std::to_string(n) + ">";
    const std::string& r = requests[n];
    const size_t at = r.find("\r\nCookie: ");
    if (at == std::string::npos) return "";
    const size_t start = at + 10;
    return r.substr(start, r.find("\r\n", start) - start);
  }
  size_t Count() const { return server_.Requests().size(); }

 private:
  static std::string Answer(const std::string& path) {
    if (path.rfind("/login?u=", 0) == 0) {
      return FixedResponse(200, "in",
                           "Set-Cookie: sid=" + path.substr(9) +
                               "; Path=/; HttpOnly\r\nSet-Cookie: theme=dark; Max-Age=3600\r\n");
    }
    if (path == "/logout") return FixedResponse(200, "out", "Set-Cookie: sid=; Max-Age=0\r\n");
    return FixedResponse(200, "ok");
  }
  AnsweringServer server_;
};

RequestSettings Step(const std::string& path) {
  RequestSettings r;
  r.name = path;
  r.path = path;
  return r;
}

// Sends request step `step` for `vu` in `iteration` and waits for its result.
void Send(Worker& worker, uint64_t* token, uint32_t step, uint32_t vu, uint64_t iteration = 0) {
  REQUIRE(worker.SubmitAs(*token, step, vu, iteration) == SP_OK);
  REQUIRE(worker.PollUntil(static_cast<size_t>(*token)));
  ++*token;
}

}  // namespace

TEST_CASE("cookies: the request target is the first line's second word", "[cookies]") {
  CHECK(sp::http::RequestTargetOf("GET /a/b?c=d HTTP/1.1\r\nHost: x\r\n\r\n") == "/a/b?c=d");
  CHECK(sp::http::RequestTargetOf("GET") == "/");
  CHECK(sp::http::RequestTargetOf("GET  HTTP/1.1") == "/");
}

TEST_CASE("cookies: a login's cookies come back with the same VU's requests only", "[cookies]") {
  CookieServer server;
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings login = Step("/login?u={{ vu }}");
  login.capture = R"({"sid": {"cookie": "sid"}, "missing": {"cookie": "nope", "default": "-"}})";
  RequestSettings echo = Step("/echo/{{ sid }}/{{ missing }}");
  Target target;
  REQUIRE(target.Create(t, {login, Step("/cart"), Step("/logout"), echo}) == SP_OK);
  Worker worker(target);
  uint64_t token = 1;

  Send(worker, &token, 0, 1);  // 0: VU 1 logs in
  Send(worker, &token, 0, 2);  // 1: VU 2 logs in
  Send(worker, &token, 1, 1);  // 2
  Send(worker, &token, 1, 2);  // 3
  Send(worker, &token, 1, 7);  // 4: a VU that never logged in
  CHECK(server.CookieOf(0) == "");
  CHECK(server.CookieOf(2) == "sid=1; theme=dark");  // same path: in creation order
  CHECK(server.CookieOf(3) == "sid=2; theme=dark");
  CHECK(server.CookieOf(4) == "");

  // A cookie capture reads the jar after the response, in the same iteration.
  Send(worker, &token, 3, 1);  // 5
  CHECK(server.CookieOf(5) == "sid=1; theme=dark");

  // The server deletes sid (Max-Age=0): only theme is left.
  Send(worker, &token, 2, 1);  // 6
  Send(worker, &token, 1, 1);  // 7
  CHECK(server.CookieOf(7) == "theme=dark");

  // A user who leaves takes its jar along.
  worker.ReleaseVu(2);
  Send(worker, &token, 1, 2);  // 8
  CHECK(server.CookieOf(8) == "");
  CHECK(worker.Count(SP_E_NONE) == 9);
  REQUIRE(server.Count() == 9);
}

TEST_CASE("cookies: off, per step, reset each iteration, or a Cookie header of the plan's",
          "[cookies]") {
  CookieServer server;
  TargetSettings t;
  t.base_url = server.Url();
  uint64_t token = 1;

  SECTION("cookies: false on the target") {
    t.cookies = false;
    Target target;
    REQUIRE(target.Create(t, {Step("/login?u=1"), Step("/cart")}) == SP_OK);
    Worker worker(target);
    Send(worker, &token, 0, 1);
    Send(worker, &token, 1, 1);
    CHECK(server.CookieOf(1) == "");
  }
  SECTION("cookies: false on one step: it neither sends nor stores") {
    RequestSettings quiet_login = Step("/login?u=2");
    quiet_login.cookies = false;
    RequestSettings quiet_cart = Step("/cart");
    quiet_cart.cookies = false;
    Target target;
    REQUIRE(target.Create(t, {Step("/login?u=1"), Step("/cart"), quiet_login, quiet_cart}) ==
            SP_OK);
    Worker worker(target);
    Send(worker, &token, 0, 1);  // sid=1 stored
    Send(worker, &token, 2, 1);  // sid=2 not stored
    Send(worker, &token, 3, 1);  // nothing sent
    Send(worker, &token, 1, 1);
    CHECK(server.CookieOf(2) == "");
    CHECK(server.CookieOf(3) == "sid=1; theme=dark");
  }
  SECTION("cookies_reset: iteration") {
    t.cookies_reset = "iteration";
    Target target;
    REQUIRE(target.Create(t, {Step("/login?u=1"), Step("/cart")}) == SP_OK);
    Worker worker(target);
    Send(worker, &token, 0, 1, 0);
    Send(worker, &token, 1, 1, 0);
    Send(worker, &token, 1, 1, 1);  // the next iteration starts with an empty jar
    CHECK(server.CookieOf(1) == "sid=1; theme=dark");
    CHECK(server.CookieOf(2) == "");
  }
  SECTION("a step with its own Cookie header sends it as written") {
    RequestSettings own = Step("/cart");
    own.headers = R"({"Cookie": "plan=1"})";
    Target target;
    REQUIRE(target.Create(t, {Step("/login?u=1"), own}) == SP_OK);
    Worker worker(target);
    Send(worker, &token, 0, 1);
    Send(worker, &token, 1, 1);
    CHECK(server.CookieOf(1) == "plan=1");
  }
  SECTION("cookies_reset must be iteration or never") {
    t.cookies_reset = "daily";
    Target target;
    CHECK(target.Create(t, {Step("/")}) == SP_INVALID_ARGUMENT);
    CHECK(std::string(target.error().option) == "cookies_reset");
    CHECK_THAT(target.error().message, Catch::Contains("iteration or never"));
  }
}
