// Origins: canonical hosts (lower-case, IPv6 without brackets), the scheme's Secure, the
// refusals, and URLs split into origin and request target.
#include "lib/cookies/origin.h"

#include <catch2/catch.hpp>
#include <string>

using sp::cookies::Origin;
using sp::cookies::ParseUrl;

TEST_CASE("origin: hosts are canonical", "[cookies]") {
  Origin origin;
  std::string err;
  REQUIRE(Origin::Make("HTTPS", "WWW.Example.COM", &origin, &err));
  CHECK(origin.host() == "www.example.com");
  CHECK(origin.secure());
  CHECK_FALSE(origin.host_is_ip());
  REQUIRE(Origin::Make("http", "[::1]", &origin, &err));
  CHECK(origin.host() == "::1");
  CHECK(origin.host_is_ip());
  CHECK_FALSE(origin.secure());
  REQUIRE(Origin::Make("http", "127.0.0.1", &origin, &err));
  CHECK(origin.host_is_ip());
}

TEST_CASE("origin: refusals", "[cookies]") {
  Origin origin;
  std::string err;
  CHECK_FALSE(Origin::Make("ftp", "example.com", &origin, &err));
  CHECK(err == "cookies: the scheme \"ftp\" is not http or https");
  CHECK_FALSE(Origin::Make("http", "", &origin, &err));
  CHECK(err ==
        "cookies: the host \"\" is empty or has a character other than letters, digits, '-', '.', "
        "'_', ':' and '%'");
  CHECK_FALSE(Origin::Make("http", "a b", &origin, &err));
  CHECK_FALSE(Origin::Make("http", "a;b=c", &origin, &err));
  CHECK_FALSE(Origin::Make("http", "[]", &origin, &err));
}

TEST_CASE("origin: URLs", "[cookies]") {
  Origin origin;
  std::string target, err;
  REQUIRE(ParseUrl("http://Example.com:8080/a/b?q=1", &origin, &target, &err));
  CHECK(origin.host() == "example.com");
  CHECK(target == "/a/b?q=1");
  REQUIRE(ParseUrl("https://example.com", &origin, &target, &err));
  CHECK(origin.secure());
  CHECK(target == "/");
  REQUIRE(ParseUrl("http://[::1]:18080/x", &origin, &target, &err));
  CHECK(origin.host() == "::1");
  CHECK(target == "/x");
  REQUIRE(ParseUrl("http://[::1]?q", &origin, &target, &err));
  CHECK(target == "/?q");
  CHECK_FALSE(ParseUrl("example.com/a", &origin, &target, &err));
  CHECK(err == "cookies: \"example.com/a\" is not an http:// or https:// URL");
  CHECK_FALSE(ParseUrl("http://user@example.com/", &origin, &target, &err));
  CHECK_FALSE(ParseUrl("http://example.com:80x/", &origin, &target, &err));
  CHECK_FALSE(ParseUrl("http://example.com:/", &origin, &target, &err));
  CHECK_FALSE(ParseUrl("ws://example.com/", &origin, &target, &err));
  CHECK(err == "cookies: the scheme \"ws\" is not http or https");
  CHECK_FALSE(ParseUrl("http:///x", &origin, &target, &err));
}
