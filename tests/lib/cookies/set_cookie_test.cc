// Set-Cookie parsing (RFC 6265 §5.2): name and value, each attribute with its valid and invalid
// values, last-one-wins, and the refusals (no '=', empty name, control characters, size).
#include "lib/cookies/set_cookie.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>

using namespace sp::cookies;

namespace {

// A SetCookie's views point into the parsed text: the test keeps copies.
struct Owned {
  std::string name, value, domain, path;
  std::optional<int64_t> max_age_s, expires_s;
  bool secure, http_only;
};

Owned Parsed(const std::string& text) {
  SetCookie c;
  INFO(text);
  REQUIRE(ParseSetCookie(text, &c) == SetCookieStatus::kOk);
  return Owned{std::string(c.name),
               std::string(c.value),
               std::string(c.domain),
               std::string(c.path),
               c.max_age_s,
               c.expires_s,
               c.secure,
               c.http_only};
}

SetCookieStatus StatusOf(const std::string& text) {
  SetCookie cookie;
  return ParseSetCookie(text, &cookie);
}

}  // namespace

TEST_CASE("set-cookie: name and value", "[cookies]") {
  Owned c = Parsed("SID=31d4d96e407aad42");
  CHECK(c.name == "SID");
  CHECK(c.value == "31d4d96e407aad42");
  CHECK_FALSE(c.max_age_s);
  CHECK_FALSE(c.expires_s);
  CHECK(c.domain.empty());
  CHECK(c.path.empty());
  CHECK_FALSE(c.secure);
  CHECK_FALSE(c.http_only);
  c = Parsed(" \tname \t= \t value with spaces \t; Secure");
  CHECK(c.name == "name");
  CHECK(c.value == "value with spaces");
  c = Parsed("a=b=c");  // the first '=' splits
  CHECK(c.name == "a");
  CHECK(c.value == "b=c");
  c = Parsed("empty=");
  CHECK(c.value.empty());
  c = Parsed("q=\"quoted value\"");  // quotes are part of the value
  CHECK(c.value == "\"quoted value\"");
  c = Parsed("utf8=\xc3\xa9t\xc3\xa9");
  CHECK(c.value == "\xc3\xa9t\xc3\xa9");
}

TEST_CASE("set-cookie: refusals", "[cookies]") {
  CHECK(StatusOf("") == SetCookieStatus::kMalformed);
  CHECK(StatusOf("novalue") == SetCookieStatus::kMalformed);
  CHECK(StatusOf("novalue; a=b") == SetCookieStatus::kMalformed);  // '=' only after the ';'
  CHECK(StatusOf("=value") == SetCookieStatus::kMalformed);
  CHECK(StatusOf("  =value") == SetCookieStatus::kMalformed);
  CHECK(StatusOf(";") == SetCookieStatus::kMalformed);
  CHECK(StatusOf("a=b\r\nX-Injected: 1") == SetCookieStatus::kControlCharacter);
  CHECK(StatusOf(std::string("a=b\0c", 5)) == SetCookieStatus::kControlCharacter);
  CHECK(StatusOf("a=b; Path=/\x7f") == SetCookieStatus::kControlCharacter);
  CHECK(StatusOf("a=b\x1b") == SetCookieStatus::kControlCharacter);
  CHECK(StatusOf("a=b\tc") == SetCookieStatus::kOk);  // a tab is no control character here
  // 4096 bytes of name and value are kept, one more is too many.
  CHECK(StatusOf("n=" + std::string(4095, 'v')) == SetCookieStatus::kOk);
  CHECK(StatusOf("n=" + std::string(4096, 'v')) == SetCookieStatus::kTooLarge);
  CHECK(StatusOf(std::string(4096, 'n') + "=") == SetCookieStatus::kOk);
  CHECK(StatusOf(std::string(2048, 'n') + "=" + std::string(2049, 'v')) ==
        SetCookieStatus::kTooLarge);
  // Surrounding spaces do not count.
  CHECK(StatusOf("n=" + std::string(4095, 'v') + "    ") == SetCookieStatus::kOk);
}

TEST_CASE("set-cookie: Expires", "[cookies]") {
  CHECK(*Parsed("a=b; Expires=Sun, 06 Nov 1994 08:49:37 GMT").expires_s == 784111777);
  CHECK(*Parsed("a=b; expires=Sun, 06 Nov 1994 08:49:37 GMT").expires_s == 784111777);
  CHECK(*Parsed("a=b;EXPIRES = Sun, 06 Nov 1994 08:49:37 GMT ").expires_s == 784111777);
  CHECK_FALSE(Parsed("a=b; Expires=never").expires_s);
  CHECK_FALSE(Parsed("a=b; Expires").expires_s);
  // The last valid one wins; an invalid one changes nothing.
  CHECK(*Parsed("a=b; Expires=01 Jan 2000 00:00:00; Expires=Sun, 06 Nov 1994 08:49:37 GMT")
             .expires_s == 784111777);
  CHECK(*Parsed("a=b; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Expires=garbage").expires_s ==
        784111777);
}

TEST_CASE("set-cookie: Max-Age", "[cookies]") {
  CHECK(*Parsed("a=b; Max-Age=3600").max_age_s == 3600);
  CHECK(*Parsed("a=b; max-age=0").max_age_s == 0);
  CHECK(*Parsed("a=b; MAX-AGE=-5").max_age_s == -5);
  CHECK(*Parsed("a=b; Max-Age=007").max_age_s == 7);
  CHECK(*Parsed("a=b; Max-Age=99999999999999999999999").max_age_s == INT64_MAX);
  CHECK(*Parsed("a=b; Max-Age=-99999999999999999999999").max_age_s == -INT64_MAX);
  CHECK_FALSE(Parsed("a=b; Max-Age=").max_age_s);
  CHECK_FALSE(Parsed("a=b; Max-Age=-").max_age_s);
  CHECK_FALSE(Parsed("a=b; Max-Age=+5").max_age_s);
  CHECK_FALSE(Parsed("a=b; Max-Age=5s").max_age_s);
  CHECK_FALSE(Parsed("a=b; Max-Age=1.5").max_age_s);
  CHECK_FALSE(Parsed("a=b; Max-Age=--5").max_age_s);
  CHECK_FALSE(Parsed("a=b; Max-Age").max_age_s);
  CHECK(*Parsed("a=b; Max-Age=5; Max-Age=x").max_age_s == 5);
  CHECK(*Parsed("a=b; Max-Age=5; Max-Age=6").max_age_s == 6);
  // Both are kept; the jar lets Max-Age win whatever the order.
  Owned c = Parsed("a=b; Max-Age=60; Expires=Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(*c.max_age_s == 60);
  CHECK(*c.expires_s == 784111777);
}

TEST_CASE("set-cookie: Domain", "[cookies]") {
  CHECK(Parsed("a=b; Domain=example.com").domain == "example.com");
  CHECK(Parsed("a=b; Domain=.example.com").domain == "example.com");
  CHECK(Parsed("a=b; domain=Example.COM").domain == "Example.COM");  // the jar lower-cases
  CHECK(Parsed("a=b; Domain=..example.com").domain == ".example.com");
  CHECK(Parsed("a=b; Domain=.").domain.empty());  // a lone dot is no domain: host-only
  // An empty Domain is ignored entirely (§5.2.3): the earlier one stays.
  CHECK(Parsed("a=b; Domain=example.com; Domain=").domain == "example.com");
  CHECK(Parsed("a=b; Domain=example.com; Domain=other.org").domain == "other.org");
  CHECK(Parsed("a=b; Domain").domain.empty());
}

TEST_CASE("set-cookie: Path", "[cookies]") {
  CHECK(Parsed("a=b; Path=/").path == "/");
  CHECK(Parsed("a=b; path=/account").path == "/account");
  CHECK(Parsed("a=b; Path=/Mixed/Case/").path == "/Mixed/Case/");
  CHECK(Parsed("a=b; Path=").path.empty());
  CHECK(Parsed("a=b; Path=relative").path.empty());
  // An invalid Path is the default path, and it is the last one, so it wins.
  CHECK(Parsed("a=b; Path=/x; Path=relative").path.empty());
  CHECK(Parsed("a=b; Path=relative; Path=/x").path == "/x");
}

TEST_CASE("set-cookie: flags and unknown attributes", "[cookies]") {
  Owned c = Parsed("a=b; Secure; HttpOnly");
  CHECK(c.secure);
  CHECK(c.http_only);
  c = Parsed("a=b;secure=no;HTTPONLY=whatever");  // values are ignored
  CHECK(c.secure);
  CHECK(c.http_only);
  c = Parsed("a=b; SameSite=Strict; Priority=High; Partitioned; Comment=x; Version=1");
  CHECK(c.name == "a");
  CHECK_FALSE(c.secure);
  c = Parsed("a=b;;; ;Secure;;");
  CHECK(c.secure);
  c = Parsed("a=b; SecureX; XHttpOnly");
  CHECK_FALSE(c.secure);
  CHECK_FALSE(c.http_only);
}

TEST_CASE("set-cookie: attribute values over 1024 bytes are ignored", "[cookies]") {
  CHECK(Parsed("a=b; Path=/" + std::string(1023, 'p')).path.size() == 1024);
  CHECK(Parsed("a=b; Path=/x; Path=/" + std::string(1024, 'p')).path == "/x");
  CHECK(Parsed("a=b; Domain=" + std::string(1025, 'd')).domain.empty());
}

TEST_CASE("set-cookie: many attributes", "[cookies]") {
  std::string text = "a=b";
  for (int i = 0; i < 10000; ++i) text += "; Max-Age=" + std::to_string(i) + "; Foo=bar";
  CHECK(*Parsed(text).max_age_s == 9999);
}
