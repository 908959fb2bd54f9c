// lib/net addresses: IP literals, host:port splitting with its messages, the text form.
#include "lib/net/address.h"

#include <netinet/in.h>

#include <catch2/catch.hpp>
#include <string>

using namespace sp::net;

TEST_CASE("ParseNumericHost: IPv4 and IPv6 literals, nothing else", "[net]") {
  Address a;
  REQUIRE(ParseNumericHost("127.0.0.1", 8080, &a));
  CHECK(a.family() == AF_INET);
  CHECK(a.port() == 8080);
  CHECK(a.length == sizeof(sockaddr_in));
  CHECK(a.is_loopback());
  CHECK(a.ToString() == "127.0.0.1:8080");
  REQUIRE(ParseNumericHost("::1", 443, &a));
  CHECK(a.family() == AF_INET6);
  CHECK(a.ToString() == "[::1]:443");
  CHECK(a.is_loopback());
  REQUIRE(ParseNumericHost("::ffff:127.0.0.2", 1, &a));
  CHECK(a.is_loopback());
  REQUIRE(ParseNumericHost("10.1.2.3", 1, &a));
  CHECK_FALSE(a.is_loopback());
  CHECK_FALSE(ParseNumericHost("localhost", 80, &a));
  CHECK_FALSE(ParseNumericHost("[::1]", 80, &a));
  CHECK_FALSE(ParseNumericHost("127.1", 80, &a));  // inet_aton's shorthand is a name here
  CHECK(a.length == 0);
  CHECK(a.ToString() == "?");
}

TEST_CASE("SplitHostPort: host and port, brackets removed, port checked", "[net]") {
  std::string host;
  uint16_t port = 0;
  std::string why;
  REQUIRE(SplitHostPort("127.0.0.1:18091", false, &host, &port, &why));
  CHECK(host == "127.0.0.1");
  CHECK(port == 18091);
  REQUIRE(SplitHostPort("[::1]:80", false, &host, &port, &why));
  CHECK(host == "::1");
  REQUIRE(SplitHostPort("*:0", true, &host, &port, &why));
  CHECK(host == "*");
  CHECK(port == 0);

  CHECK_FALSE(SplitHostPort("localhost", false, &host, &port, &why));
  CHECK(why == "\"localhost\" is not host:port (e.g. 127.0.0.1:18091)");
  CHECK_FALSE(SplitHostPort(":80", false, &host, &port, &why));
  CHECK(why == "\":80\" is not host:port (e.g. 127.0.0.1:18091)");
  CHECK_FALSE(SplitHostPort("h:8x", false, &host, &port, &why));
  CHECK(why == "the port of \"h:8x\" is not a number from 0 to 65535");
  CHECK_FALSE(SplitHostPort("h:0", false, &host, &port, &why));
  CHECK(why == "the port of \"h:0\" must not be 0");
  CHECK_FALSE(SplitHostPort("h:65536", false, &host, &port, &why));
  CHECK(why == "the port of \"h:65536\" is over 65535");
  CHECK_FALSE(SplitHostPort("h:99999999999999999999", false, &host, &port, &why));
  CHECK(why == "the port of \"h:99999999999999999999\" is not a number from 0 to 65535");
}
