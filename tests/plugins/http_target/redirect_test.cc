#include "plugins/http_target/redirect.h"

#include <catch2/catch.hpp>

using sp::http::BaseUrl;
using sp::http::DecideRedirect;
using sp::http::IsFollowedRedirectStatus;
using sp::http::ParseBaseUrl;
using sp::http::RedirectAction;
using sp::http::RedirectDecision;
using sp::http::RedirectRequest;

namespace {

BaseUrl Base(const std::string& url) {
  BaseUrl b;
  std::string err;
  REQUIRE(ParseBaseUrl(url, &b, &err));
  return b;
}

const std::string kGetDir = "GET /shop/cart/view?id=3 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";

RedirectDecision Decide(const std::string& location, uint32_t followed = 0, uint32_t max = 10,
                        const std::string& base = "http://127.0.0.1:8080", int status = 302) {
  return DecideRedirect(status, &location, Base(base), kGetDir, followed, max);
}

const std::string kPost =
    "POST /login HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nX-Trace: 1\r\n"
    "Content-Length: 9\r\nCookie: sid=1\r\n\r\n{\"a\": 1}\n";

}  // namespace

TEST_CASE("redirect: which statuses are followed", "[redirect]") {
  for (int s : {301, 302, 303, 307, 308}) CHECK(IsFollowedRedirectStatus(s));
  for (int s : {200, 300, 304, 305, 306, 309, 400}) CHECK_FALSE(IsFollowedRedirectStatus(s));
}

TEST_CASE("redirect: Location resolves against the request's URL", "[redirect]") {
  RedirectDecision d = Decide("/next");
  CHECK(d.action == RedirectAction::kFollow);
  CHECK(d.target == "/next");
  CHECK(d.resolved == "http://127.0.0.1:8080/next");

  CHECK(Decide("next?x=1").target == "/shop/cart/next?x=1");
  CHECK(Decide("../a").target == "/shop/a");
  CHECK(Decide("?page=2").target == "/shop/cart/view?page=2");
  CHECK(Decide("").target == "/shop/cart/view?id=3");  // itself
  CHECK(Decide("#top").target == "/shop/cart/view?id=3");
  CHECK(Decide("http://127.0.0.1:8080/abs").target == "/abs");
  CHECK(Decide("HTTP://127.0.0.1:8080").target == "/");      // scheme in any case, empty path
  CHECK(Decide("//127.0.0.1:8080/p").target == "/p");        // network-path reference
  CHECK(Decide("/a b/\xc3\xa9").target == "/a%20b/%C3%A9");  // bytes a request line cannot carry
  CHECK(Decide("/%7Euser").target == "/%7Euser");            // escapes stay as written
}

TEST_CASE("redirect: only base_url's origin (scheme, host, port) is followed", "[redirect]") {
  CHECK(Decide("http://127.0.0.2:8080/x").action == RedirectAction::kLeavesOrigin);
  CHECK(Decide("http://127.0.0.1:8081/x").action == RedirectAction::kLeavesOrigin);
  CHECK(Decide("https://127.0.0.1:8080/x").action == RedirectAction::kLeavesOrigin);
  CHECK(Decide("//example.com/x").action == RedirectAction::kLeavesOrigin);
  CHECK(Decide("http://u:p@127.0.0.1:8080/x").action == RedirectAction::kLeavesOrigin);
  CHECK(Decide("mailto:a@b").action == RedirectAction::kLeavesOrigin);
  const RedirectDecision d = Decide("http://other.test/x");
  CHECK(d.resolved == "http://other.test/x");
  CHECK(d.target.empty());

  // The default port may be written or not; host names compare case-insensitively.
  CHECK(Decide("http://Shop.Test:80/x", 0, 10, "http://shop.test").action ==
        RedirectAction::kFollow);
  CHECK(Decide("https://shop.test/x", 0, 10, "https://shop.test:443").action ==
        RedirectAction::kFollow);
  CHECK(Decide("http://shop.test:/x", 0, 10, "http://shop.test").action == RedirectAction::kFollow);
  CHECK(Decide("http://[::1]:9000/x", 0, 10, "http://[::1]:9000").action ==
        RedirectAction::kFollow);
  CHECK(Decide("http://[::1]/x", 0, 10, "http://[::1]:9000").action ==
        RedirectAction::kLeavesOrigin);
  CHECK(Decide("http://shop.test:99999/x", 0, 10, "http://shop.test").action ==
        RedirectAction::kLeavesOrigin);
}

TEST_CASE("redirect: the limit, max_redirects 0, and responses that are not redirects",
          "[redirect]") {
  CHECK(Decide("/n", 9, 10).action == RedirectAction::kFollow);
  CHECK(Decide("/n", 10, 10).action == RedirectAction::kTooMany);
  CHECK(Decide("/n", 10, 10).resolved == "http://127.0.0.1:8080/n");
  CHECK(Decide("/n", 0, 0).action == RedirectAction::kNone);  // 0: never followed, never an error
  CHECK(Decide("http://other/", 10, 10).action == RedirectAction::kLeavesOrigin);
  CHECK(Decide("/n", 0, 10, "http://127.0.0.1:8080", 200).action == RedirectAction::kNone);
  CHECK(Decide("/n", 0, 10, "http://127.0.0.1:8080", 304).action == RedirectAction::kNone);
  const BaseUrl base = Base("http://127.0.0.1:8080");
  CHECK(DecideRedirect(302, nullptr, base, kGetDir, 0, 10).action == RedirectAction::kNone);
}

TEST_CASE("redirect: 301, 302 and 303 turn a method other than HEAD into a bodiless GET",
          "[redirect]") {
  for (int status : {301, 302, 303}) {
    INFO(status);
    std::string out;
    RedirectRequest(kPost, status, "/home?x", false, &out);
    CHECK(out == "GET /home?x HTTP/1.1\r\nHost: h\r\nX-Trace: 1\r\nCookie: sid=1\r\n\r\n");
  }
  std::string out;
  RedirectRequest("PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", 303, "/b", false,
                  &out);
  CHECK(out == "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
  RedirectRequest("HEAD /a HTTP/1.1\r\nHost: h\r\n\r\n", 301, "/b", false, &out);
  CHECK(out == "HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST_CASE("redirect: 307 and 308 keep the method and the body", "[redirect]") {
  for (int status : {307, 308}) {
    INFO(status);
    std::string out;
    RedirectRequest(kPost, status, "/again", false, &out);
    CHECK(out ==
          "POST /again HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nX-Trace: 1\r\n"
          "Content-Length: 9\r\nCookie: sid=1\r\n\r\n{\"a\": 1}\n");
  }
}

TEST_CASE("redirect: the jar's Cookie field is dropped, to be added for the new path",
          "[redirect]") {
  std::string out;
  RedirectRequest(kPost, 307, "/again", true, &out);
  CHECK(out.find("Cookie") == std::string::npos);
  CHECK(out.find("Content-Length: 9\r\n\r\n{\"a\": 1}\n") != std::string::npos);
  RedirectRequest("GET / HTTP/1.1\r\ncookie: a=b\r\nHost: h\r\n\r\n", 302, "/x", true, &out);
  CHECK(out == "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
}
