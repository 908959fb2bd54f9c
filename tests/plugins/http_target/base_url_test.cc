#include "plugins/http_target/base_url.h"

#include <catch2/catch.hpp>

using sp::http::BaseUrl;
using sp::http::ParseBaseUrl;

TEST_CASE("base_url: accepted forms", "[base_url]") {
  BaseUrl u;
  std::string err;
  REQUIRE(ParseBaseUrl("http://127.0.0.1:8080", &u, &err));
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 8080);
  CHECK(u.host_header == "127.0.0.1:8080");
  CHECK(u.prefix.empty());
  CHECK(u.text == "http://127.0.0.1:8080");

  REQUIRE(ParseBaseUrl("HTTP://Example.com/api/v1/", &u, &err));
  CHECK(u.host == "Example.com");
  CHECK(u.port == 80);
  CHECK(u.host_header == "Example.com");
  CHECK(u.prefix == "/api/v1");

  REQUIRE(ParseBaseUrl("http://[::1]:9000/x", &u, &err));
  CHECK(u.host == "::1");
  CHECK(u.port == 9000);
  CHECK(u.host_header == "[::1]:9000");
  CHECK(u.prefix == "/x");
  CHECK(u.text == "http://[::1]:9000/x");

  REQUIRE(ParseBaseUrl("http://localhost/", &u, &err));
  CHECK(u.prefix.empty());
  CHECK_FALSE(u.tls);
}

TEST_CASE("base_url: https", "[base_url][tls]") {
  BaseUrl u;
  std::string err;
  REQUIRE(ParseBaseUrl("https://example.com/api", &u, &err));
  CHECK(u.tls);
  CHECK(u.port == 443);
  CHECK(u.host_header == "example.com");  // the scheme's default port is left out
  CHECK(u.prefix == "/api");
  CHECK(u.text == "https://example.com:443/api");

  REQUIRE(ParseBaseUrl("HTTPS://127.0.0.1:8443", &u, &err));
  CHECK(u.tls);
  CHECK(u.port == 8443);
  CHECK(u.host_header == "127.0.0.1:8443");

  REQUIRE(ParseBaseUrl("https://[::1]:80/", &u, &err));
  CHECK(u.host_header == "[::1]:80");  // 80 is not https's default
}

TEST_CASE("base_url: refused forms say why", "[base_url]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"127.0.0.1:8080", "must start with http:// or https://"},
      {"ftp://example.com", "scheme \"ftp\" is not supported"},
      {"http://", "has no host"},
      {"http://:80/", "has no host"},
      {"http://h:0", "port must be a number from 1 to 65535"},
      {"http://h:65536", "port must be a number from 1 to 65535"},
      {"http://h:", "port must be a number from 1 to 65535"},
      {"http://h:8o", "port must be a number from 1 to 65535"},
      {"http://user:pw@h/", "must not contain credentials"},
      {"http://h/a?b=1", "must not have a query or fragment"},
      {"http://h/a b", "must not contain spaces"},
      {"http://h_ost!/", "contains a character not allowed"},
      {"http://[::1", "without its closing ']'"},
      {"http://[::1]x/", "unexpected text after the IPv6 address"},
  };
  for (const auto& [url, why] : cases) {
    INFO(url);
    BaseUrl u;
    std::string err;
    CHECK_FALSE(ParseBaseUrl(url, &u, &err));
    CHECK_THAT(err, Catch::Contains(why));
  }
}
