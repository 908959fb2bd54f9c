// Domain-match (§5.1.3), path-match and default-path (§5.1.4), with the edge cases each rule
// exists for.
#include "lib/cookies/matching.h"

#include <catch2/catch.hpp>

using namespace sp::cookies;

TEST_CASE("matching: IP literals", "[cookies]") {
  CHECK(IsIpLiteral("127.0.0.1"));
  CHECK(IsIpLiteral("::1"));
  CHECK(IsIpLiteral("fe80::1:2"));
  CHECK_FALSE(IsIpLiteral("localhost"));
  CHECK_FALSE(IsIpLiteral("1.2.3"));
  CHECK_FALSE(IsIpLiteral("1.2.3.4.example.com"));
  CHECK_FALSE(IsIpLiteral(""));
  CHECK_FALSE(IsIpLiteral(std::string(100, '1')));
}

TEST_CASE("matching: domain-match", "[cookies]") {
  CHECK(DomainMatch("example.com", false, "example.com"));
  CHECK(DomainMatch("www.example.com", false, "example.com"));
  CHECK(DomainMatch("a.b.example.com", false, "example.com"));
  CHECK(DomainMatch("www.example.com", false, "com"));  // no public suffix list (jar.h)
  CHECK_FALSE(DomainMatch("badexample.com", false, "example.com"));
  CHECK_FALSE(DomainMatch("example.com", false, "www.example.com"));
  CHECK_FALSE(DomainMatch("example.com", false, ".example.com"));  // the jar strips the dot
  CHECK_FALSE(DomainMatch("example.com", false, ""));
  CHECK_FALSE(DomainMatch("example.com", false, "ample.com"));
  // An IP literal matches only itself.
  CHECK(DomainMatch("127.0.0.1", true, "127.0.0.1"));
  CHECK_FALSE(DomainMatch("127.0.0.1", true, "0.0.1"));
  CHECK_FALSE(DomainMatch("10.0.0.1", true, "0.1"));
}

TEST_CASE("matching: the request path has no query or fragment", "[cookies]") {
  CHECK(RequestPath("/a/b?x=/c") == "/a/b");
  CHECK(RequestPath("/a#frag/x") == "/a");
  CHECK(RequestPath("?q") == "/");
  CHECK(RequestPath("") == "/");
  CHECK(RequestPath("/") == "/");
}

TEST_CASE("matching: path-match", "[cookies]") {
  CHECK(PathMatch("/foo", "/foo"));
  CHECK(PathMatch("/foo/", "/foo"));
  CHECK(PathMatch("/foo/bar", "/foo"));
  CHECK(PathMatch("/foo/bar", "/foo/"));
  CHECK(PathMatch("/foo/", "/foo/"));
  CHECK(PathMatch("/anything", "/"));
  CHECK(PathMatch("/", "/"));
  CHECK_FALSE(PathMatch("/foobar", "/foo"));
  CHECK_FALSE(PathMatch("/foo", "/foo/"));
  CHECK_FALSE(PathMatch("/fo", "/foo"));
  CHECK_FALSE(PathMatch("/Foo", "/foo"));  // paths are case-sensitive
  CHECK_FALSE(PathMatch("/bar/foo", "/foo"));
}

TEST_CASE("matching: default-path", "[cookies]") {
  CHECK(DefaultPath("") == "/");
  CHECK(DefaultPath("x/y") == "/");
  CHECK(DefaultPath("/") == "/");
  CHECK(DefaultPath("/login") == "/");
  CHECK(DefaultPath("/account/login") == "/account");
  CHECK(DefaultPath("/account/") == "/account");
  CHECK(DefaultPath("/a/b/c") == "/a/b");
  CHECK(DefaultPath("//") == "/");
}
