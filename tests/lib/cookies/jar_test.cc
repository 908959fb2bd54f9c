// The jar (RFC 6265 §5.3, §5.4): the examples of §3.1, host-only and domain cookies, paths,
// Secure, expiry and deletion, replacement, the order of the Cookie header, Find, Set, the
// limits and what they count, hostile input.
#include "lib/cookies/jar.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "lib/cookies/origin.h"

using namespace sp::cookies;

namespace {

constexpr int64_t kNow = 1700000000;  // 2023-11-14

struct Url {
  Origin origin;
  std::string target;
};

Url U(const std::string& url) {
  Url u;
  std::string err;
  INFO(url);
  REQUIRE(ParseUrl(url, &u.origin, &u.target, &err));
  return u;
}

StoreResult Store(Jar* jar, const std::string& set_cookie, const std::string& url,
                  int64_t now = kNow) {
  const Url u = U(url);
  return jar->Store(set_cookie, u.origin, u.target, now);
}

// The Cookie header a request to `url` carries ("" when none).
std::string Header(Jar* jar, const std::string& url, int64_t now = kNow) {
  const Url u = U(url);
  std::string out;
  const bool any = jar->AppendCookieHeader(u.origin, u.target, now, &out);
  CHECK(any == !out.empty());
  return out;
}

}  // namespace

TEST_CASE("jar: RFC 6265 section 3.1 examples", "[cookies]") {
  Jar jar;
  CHECK(Store(&jar, "SID=31d4d96e407aad42", "http://example.com/") == StoreResult::kStored);
  CHECK(Header(&jar, "http://example.com/") == "SID=31d4d96e407aad42");
  CHECK(Header(&jar, "http://www.example.com/").empty());  // host-only

  jar.Clear();
  Store(&jar, "SID=31d4d96e407aad42; Path=/; Domain=example.com", "http://example.com/");
  CHECK(Header(&jar, "http://example.com/") == "SID=31d4d96e407aad42");
  CHECK(Header(&jar, "http://www.example.com/a") == "SID=31d4d96e407aad42");
  CHECK(Header(&jar, "http://example.org/").empty());

  jar.Clear();
  Store(&jar, "SID=31d4d96e407aad42; Path=/; Secure; HttpOnly", "https://example.com/");
  Store(&jar, "lang=en-US; Path=/; Domain=example.com", "https://example.com/");
  CHECK(Header(&jar, "https://example.com/") == "SID=31d4d96e407aad42; lang=en-US");
  CHECK(Header(&jar, "http://example.com/") == "lang=en-US");  // Secure: https only

  // A persistent cookie, then its deletion by an Expires in the past. It has lang's name,
  // domain and path, so it replaces it (host-only is no part of a cookie's identity).
  CHECK(Store(&jar, "lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT", "https://example.com/",
              1600000000) == StoreResult::kReplaced);
  CHECK(jar.cookies()[1].host_only);
  CHECK(jar.cookies()[1].persistent);
  CHECK(Header(&jar, "https://example.com/", 1600000000) == "SID=31d4d96e407aad42; lang=en-US");
  CHECK(Header(&jar, "https://www.example.com/", 1600000000).empty());
  CHECK(Store(&jar, "lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "https://example.com/",
              1600000000) == StoreResult::kDeleted);
  CHECK(Header(&jar, "https://example.com/", 1600000000) == "SID=31d4d96e407aad42");
  CHECK(jar.size() == 1);
}

TEST_CASE("jar: Domain must domain-match the request host", "[cookies]") {
  Jar jar;
  CHECK(Store(&jar, "a=1; Domain=.Example.COM", "http://www.example.com/") == StoreResult::kStored);
  CHECK(jar.cookies()[0].domain == "example.com");
  CHECK_FALSE(jar.cookies()[0].host_only);
  CHECK(Store(&jar, "b=2; Domain=www.example.com", "http://www.example.com/") ==
        StoreResult::kStored);
  CHECK_FALSE(jar.cookies()[1].host_only);  // a Domain equal to the host: still a domain cookie
  CHECK(Header(&jar, "http://x.www.example.com/") == "a=1; b=2");
  CHECK(Header(&jar, "http://example.com/") == "a=1");

  CHECK(Store(&jar, "c=3; Domain=other.com", "http://www.example.com/") ==
        StoreResult::kIgnoredDomain);
  CHECK(Store(&jar, "c=3; Domain=sub.www.example.com", "http://www.example.com/") ==
        StoreResult::kIgnoredDomain);
  CHECK(Store(&jar, "c=3; Domain=ample.com", "http://www.example.com/") ==
        StoreResult::kIgnoredDomain);
  CHECK(jar.counts().ignored_domain == 3);
  // No public suffix list: "com" domain-matches (documented in jar.h).
  CHECK(Store(&jar, "d=4; Domain=com", "http://www.example.com/") == StoreResult::kStored);
  CHECK(Header(&jar, "http://example.org.com/") == "d=4");
  // Host names are compared case-insensitively.
  CHECK(Header(&jar, "http://WWW.EXAMPLE.COM/") == "a=1; b=2; d=4");
}

TEST_CASE("jar: IP literals get host-only cookies", "[cookies]") {
  Jar jar;
  CHECK(Store(&jar, "a=1; Domain=127.0.0.1", "http://127.0.0.1:8080/") == StoreResult::kStored);
  CHECK(jar.cookies()[0].host_only);
  CHECK(Store(&jar, "b=2; Domain=0.0.1", "http://127.0.0.1/") == StoreResult::kIgnoredDomain);
  CHECK(Store(&jar, "c=3", "http://[::1]:9000/") == StoreResult::kStored);
  CHECK(Store(&jar, "d=4; Domain=::1", "http://[::1]/") == StoreResult::kStored);
  CHECK(Header(&jar, "http://127.0.0.1:9090/") == "a=1");  // ports are not isolated
  CHECK(Header(&jar, "http://[::1]/") == "c=3; d=4");
  CHECK(Header(&jar, "http://localhost/").empty());
}

TEST_CASE("jar: paths, given and default", "[cookies]") {
  Jar jar;
  Store(&jar, "foo=1; Path=/foo", "http://h/");
  CHECK(Header(&jar, "http://h/foo") == "foo=1");
  CHECK(Header(&jar, "http://h/foo/") == "foo=1");
  CHECK(Header(&jar, "http://h/foo/bar?x") == "foo=1");
  CHECK(Header(&jar, "http://h/foobar").empty());
  CHECK(Header(&jar, "http://h/").empty());
  CHECK(Header(&jar, "http://h/Foo").empty());

  jar.Clear();
  Store(&jar, "slash=1; Path=/foo/", "http://h/");
  CHECK(Header(&jar, "http://h/foo").empty());
  CHECK(Header(&jar, "http://h/foo/") == "slash=1");

  // Without a Path (or with one not starting with '/'), the request's directory.
  jar.Clear();
  Store(&jar, "d=1", "http://h/account/login?next=/x/y");
  CHECK(jar.cookies()[0].path == "/account");
  CHECK(Header(&jar, "http://h/account/settings") == "d=1");
  CHECK(Header(&jar, "http://h/other").empty());
  Store(&jar, "e=1; Path=relative", "http://h/login");
  CHECK(jar.cookies()[1].path == "/");
  Store(&jar, "f=1", "http://h");
  CHECK(jar.cookies()[2].path == "/");
}

TEST_CASE("jar: Max-Age wins over Expires, whatever their order", "[cookies]") {
  Jar jar;
  // Expires in the past, Max-Age in the future: kept for Max-Age seconds.
  CHECK(Store(&jar, "a=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=60", "http://h/") ==
        StoreResult::kStored);
  CHECK(Store(&jar, "b=2; Max-Age=60; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "http://h/") ==
        StoreResult::kStored);
  CHECK(jar.cookies()[0].expiry_s == kNow + 60);
  CHECK(jar.cookies()[0].persistent);
  CHECK(Header(&jar, "http://h/", kNow + 59) == "a=1; b=2");
  CHECK(Header(&jar, "http://h/", kNow + 60).empty());  // expired at now + Max-Age
  CHECK(jar.empty());                                   // and dropped
  // Expires in the future, Max-Age=0: deleted at once.
  CHECK(Store(&jar, "c=3; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=0", "http://h/") ==
        StoreResult::kDeleted);
  CHECK(jar.empty());
  // Expires alone.
  Store(&jar, "d=4; Expires=Fri, 01 Jan 2100 00:00:00 GMT", "http://h/");
  CHECK(jar.cookies()[0].expiry_s == 4102444800);
  CHECK(Header(&jar, "http://h/", 4102444799) == "d=4");
  CHECK(Header(&jar, "http://h/", 4102444800).empty());
  // Neither: a session cookie, never expired.
  Store(&jar, "e=5", "http://h/");
  CHECK_FALSE(jar.cookies()[0].persistent);
  CHECK(Header(&jar, "http://h/", INT64_MAX - 1) == "e=5");
  // A huge Max-Age saturates.
  Store(&jar, "f=6; Max-Age=99999999999999999999", "http://h/");
  CHECK(Header(&jar, "http://h/", INT64_MAX - 1) == "e=5; f=6");
}

TEST_CASE("jar: a server deletes a cookie with Max-Age=0 or an Expires in the past", "[cookies]") {
  Jar jar;
  Store(&jar, "session=abc; Path=/", "http://h/");
  Store(&jar, "keep=1; Path=/", "http://h/");
  CHECK(Store(&jar, "session=; Max-Age=0; Path=/", "http://h/") == StoreResult::kDeleted);
  CHECK(Header(&jar, "http://h/") == "keep=1");
  Store(&jar, "session=abc; Path=/", "http://h/");
  CHECK(Store(&jar, "session=x; Max-Age=-1; Path=/", "http://h/") == StoreResult::kDeleted);
  CHECK(Header(&jar, "http://h/") == "keep=1");
  Store(&jar, "session=abc; Path=/", "http://h/");
  CHECK(Store(&jar, "session=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "http://h/") ==
        StoreResult::kDeleted);
  CHECK(Header(&jar, "http://h/") == "keep=1");
  // An Expires of exactly now has expired.
  Store(&jar, "session=abc; Path=/", "http://h/", 0);
  CHECK(Store(&jar, "session=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "http://h/", 0) ==
        StoreResult::kDeleted);
  // A deletion must name the same name, domain and path; host-only is no part of that.
  Store(&jar, "session=abc; Path=/", "http://h/");
  Store(&jar, "session=; Max-Age=0; Path=/other", "http://h/");  // another path: nothing
  Store(&jar, "Session=; Max-Age=0; Path=/", "http://h/");       // another name: nothing
  CHECK(Header(&jar, "http://h/") == "keep=1; session=abc");
  Store(&jar, "session=; Max-Age=0; Domain=h", "http://h/");  // a domain cookie for "h": same
  CHECK(Header(&jar, "http://h/") == "keep=1");
  CHECK(jar.counts().ignored_malformed == 0);
  CHECK(jar.counts().evicted == 0);
}

TEST_CASE("jar: a replaced cookie keeps its place (creation order)", "[cookies]") {
  Jar jar;
  Store(&jar, "a=1", "http://h/");
  Store(&jar, "b=1", "http://h/");
  Store(&jar, "c=1", "http://h/");
  CHECK(Store(&jar, "a=2; HttpOnly", "http://h/", kNow + 10) == StoreResult::kReplaced);
  CHECK(Header(&jar, "http://h/") == "a=2; b=1; c=1");
  CHECK(jar.cookies()[0].http_only);
  // Replacement changes flags and expiry too.
  CHECK(Store(&jar, "b=2; Max-Age=5", "http://h/") == StoreResult::kReplaced);
  CHECK(Header(&jar, "http://h/", kNow + 5) == "a=2; c=1");
  // Deleted and set again: a new cookie, last.
  Store(&jar, "a=; Max-Age=0", "http://h/");
  Store(&jar, "a=3", "http://h/");
  CHECK(Header(&jar, "http://h/") == "c=1; a=3");
  CHECK(jar.size() == 2);
  // One that has expired is gone, even before a request drops it: its successor is new, last.
  Store(&jar, "c=2; Max-Age=5", "http://h/");
  CHECK(Store(&jar, "c=3", "http://h/", kNow + 5) == StoreResult::kStored);
  CHECK(Header(&jar, "http://h/", kNow + 5) == "a=3; c=3");
}

TEST_CASE("jar: the Cookie header lists longer paths first, then older cookies", "[cookies]") {
  Jar jar;
  Store(&jar, "root1=1; Path=/", "http://h/");
  Store(&jar, "deep=1; Path=/a/b", "http://h/");
  Store(&jar, "mid=1; Path=/a", "http://h/");
  Store(&jar, "root2=1; Path=/", "http://h/");
  Store(&jar, "mid2=1; Path=/z", "http://h/");  // as long as /a, younger
  Store(&jar, "deep2=1; Path=/a/b", "http://h/");
  CHECK(Header(&jar, "http://h/a/b/c") == "deep=1; deep2=1; mid=1; root1=1; root2=1");
  CHECK(Header(&jar, "http://h/z") == "mid2=1; root1=1; root2=1");
  // Same name, different paths: two cookies, both sent.
  Store(&jar, "root1=2; Path=/a", "http://h/");
  CHECK(Header(&jar, "http://h/a") == "mid=1; root1=2; root1=1; root2=1");
}

TEST_CASE("jar: Secure cookies go over https only", "[cookies]") {
  Jar jar;
  Store(&jar, "s=1; Secure", "https://h/");
  Store(&jar, "p=1", "https://h/");
  Store(&jar, "t=1; Secure", "http://h/");  // RFC 6265 lets http set one
  CHECK(Header(&jar, "http://h/") == "p=1");
  CHECK(Header(&jar, "https://h/") == "s=1; p=1; t=1");
}

TEST_CASE("jar: nothing matches or the jar is empty: nothing is written", "[cookies]") {
  Jar jar;
  const Url u = U("http://h/");
  std::string out = "keep";
  CHECK_FALSE(jar.AppendCookieHeader(u.origin, u.target, kNow, &out));
  CHECK(out == "keep");
  Store(&jar, "a=1; Path=/x", "http://h/");
  CHECK_FALSE(jar.AppendCookieHeader(u.origin, u.target, kNow, &out));
  CHECK(out == "keep");
  // *out is appended to.
  const Url x = U("http://h/x");
  out = "Cookie: ";
  CHECK(jar.AppendCookieHeader(x.origin, x.target, kNow, &out));
  CHECK(out == "Cookie: a=1");
}

TEST_CASE("jar: expired cookies are dropped when a header is written", "[cookies]") {
  Jar jar;
  Store(&jar, "a=1; Max-Age=10; Path=/x", "http://h/");
  Store(&jar, "b=1; Max-Age=20", "http://other/");
  Store(&jar, "c=1; Max-Age=30", "http://h/");
  CHECK(Header(&jar, "http://h/", kNow + 10) == "c=1");
  CHECK(jar.size() == 2);  // a is gone although it did not match; b stays
  CHECK(Header(&jar, "http://h/", kNow + 20) == "c=1");
  CHECK(jar.size() == 1);
  CHECK(jar.cookies()[0].name == "c");
}

TEST_CASE("jar: Find and FindLatest (captures)", "[cookies]") {
  Jar jar;
  Store(&jar, "token=root; Path=/", "http://h/");
  Store(&jar, "token=api; Path=/api", "http://h/");
  Store(&jar, "token=other", "http://other/");
  Store(&jar, "short=1; Max-Age=5", "http://h/");
  const Url api = U("http://h/api/v1");
  const Url root = U("http://h/");
  const Url none = U("http://nowhere/");
  CHECK(jar.Find("token", api.origin, api.target, kNow) == "api");  // the first it would send
  CHECK(jar.Find("token", root.origin, root.target, kNow) == "root");
  CHECK_FALSE(jar.Find("token", none.origin, none.target, kNow));
  CHECK_FALSE(jar.Find("TOKEN", root.origin, root.target, kNow));  // names are case-sensitive
  CHECK(jar.Find("short", root.origin, root.target, kNow + 4) == "1");
  CHECK_FALSE(jar.Find("short", root.origin, root.target, kNow + 5));
  CHECK(jar.FindLatest("token", kNow) == "other");
  Store(&jar, "token=root2; Path=/", "http://h/");  // a replacement is the latest store
  CHECK(jar.FindLatest("token", kNow) == "root2");
  CHECK(jar.FindLatest("short", kNow) == "1");
  CHECK_FALSE(jar.FindLatest("short", kNow + 5));
  CHECK_FALSE(jar.FindLatest("missing", kNow));
}

TEST_CASE("jar: Set (templates)", "[cookies]") {
  Jar jar;
  const Url u = U("http://H/");
  std::string err;
  REQUIRE(jar.Set("theme", "dark", u.origin, "/", kNow, &err));
  REQUIRE(jar.Set("empty", "", u.origin, "/app", kNow, &err));
  CHECK(Header(&jar, "http://h/app/x") == "empty=; theme=dark");
  CHECK(Header(&jar, "http://sub.h/").empty());  // host-only
  CHECK(jar.cookies()[1].domain == "h");
  // Set replaces what a server set with the same name, domain and path, and the other way.
  Store(&jar, "theme=light; Path=/", "http://h/");
  CHECK(Header(&jar, "http://h/") == "theme=light");
  REQUIRE(jar.Set("theme", "blue", u.origin, "/", kNow, &err));
  CHECK(Header(&jar, "http://h/") == "theme=blue");

  CHECK_FALSE(jar.Set("", "v", u.origin, "/", kNow, &err));
  CHECK(err ==
        "cookies: the cookie name \"\" is empty or has '=', ';', a space, a tab or a "
        "control character");
  CHECK_FALSE(jar.Set("a=b", "v", u.origin, "/", kNow, &err));
  CHECK_FALSE(jar.Set("a b", "v", u.origin, "/", kNow, &err));
  CHECK_FALSE(jar.Set("a\x01", "v", u.origin, "/", kNow, &err));
  CHECK_FALSE(jar.Set("a", "v;w", u.origin, "/", kNow, &err));
  CHECK(err ==
        "cookies: the value of cookie \"a\" has ';', a control character or spaces "
        "around it");
  CHECK_FALSE(jar.Set("a", "v\r\n", u.origin, "/", kNow, &err));
  CHECK_FALSE(jar.Set("a", " v", u.origin, "/", kNow, &err));
  CHECK_FALSE(jar.Set("a", "v\t", u.origin, "/", kNow, &err));
  CHECK(jar.Set("a", "v w", u.origin, "/", kNow, &err));  // inner spaces are fine
  CHECK_FALSE(jar.Set("a", std::string(4096, 'v'), u.origin, "/", kNow, &err));
  CHECK(err == "cookies: cookie \"a\" is over 4096 bytes (name and value)");
  CHECK(jar.Set("a", std::string(4095, 'v'), u.origin, "/", kNow, &err));
  CHECK_FALSE(jar.Set("a", "v", u.origin, "x", kNow, &err));
  CHECK(err == "cookies: the path \"x\" of cookie \"a\" does not start with '/'");
  CHECK_FALSE(jar.Set("a", "v", u.origin, "", kNow, &err));
}

TEST_CASE("jar: malformed and oversized cookies are ignored and counted", "[cookies]") {
  Jar jar;
  CHECK(Store(&jar, "", "http://h/") == StoreResult::kIgnoredMalformed);
  CHECK(Store(&jar, "noequals", "http://h/") == StoreResult::kIgnoredMalformed);
  CHECK(Store(&jar, "=v", "http://h/") == StoreResult::kIgnoredMalformed);
  CHECK(Store(&jar, "a=b\r\nInjected: yes", "http://h/") == StoreResult::kIgnoredMalformed);
  CHECK(Store(&jar, "n=" + std::string(5000, 'v'), "http://h/") == StoreResult::kIgnoredTooLarge);
  CHECK(Store(&jar, std::string(1 << 20, 'x') + "=1", "http://h/") ==
        StoreResult::kIgnoredTooLarge);
  CHECK(jar.empty());
  CHECK(jar.counts().ignored_malformed == 4);
  CHECK(jar.counts().ignored_too_large == 2);
  // Clear keeps the counts.
  jar.Clear();
  CHECK(jar.counts().ignored_malformed == 4);
}

TEST_CASE("jar: at most max_cookies, the least recently used evicted first", "[cookies]") {
  Jar jar(JarLimits{3, 3});
  Store(&jar, "a=1", "http://h/");
  Store(&jar, "b=1", "http://h/");
  Store(&jar, "c=1", "http://h/");
  CHECK(Header(&jar, "http://h/") == "a=1; b=1; c=1");  // all three used, in that order
  Store(&jar, "b=2", "http://h/");                      // b used again
  CHECK(Store(&jar, "d=1", "http://h/") == StoreResult::kStored);
  CHECK(Header(&jar, "http://h/") == "b=2; c=1; d=1");  // a was the least recently used
  CHECK(jar.counts().evicted == 1);
  // Expired cookies go first, and do not count as evicted.
  Store(&jar, "b=3; Max-Age=10", "http://h/");
  CHECK(Store(&jar, "e=1", "http://h/", kNow + 10) == StoreResult::kStored);
  CHECK(Header(&jar, "http://h/", kNow + 10) == "c=1; d=1; e=1");
  CHECK(jar.counts().evicted == 1);
  // Many more: the jar stays at its limit and counts every eviction.
  for (int i = 0; i < 1000; ++i) Store(&jar, "n" + std::to_string(i) + "=1", "http://h/");
  CHECK(jar.size() == 3);
  CHECK(jar.counts().evicted == 1001);
  CHECK(Header(&jar, "http://h/") == "n997=1; n998=1; n999=1");
}

TEST_CASE("jar: at most max_cookies_per_domain with one domain", "[cookies]") {
  Jar jar(JarLimits{10, 2});
  Store(&jar, "a=1", "http://one/");
  Store(&jar, "x=1", "http://two/");
  Store(&jar, "b=1", "http://one/");
  Store(&jar, "c=1", "http://one/");  // evicts a (one's oldest), not x (older, but two's)
  CHECK(Header(&jar, "http://one/") == "b=1; c=1");
  CHECK(Header(&jar, "http://two/") == "x=1");
  CHECK(jar.counts().evicted == 1);
  // A domain cookie for "one" shares the domain field with one's host-only cookies.
  Store(&jar, "d=1; Domain=one", "http://one/");
  CHECK(Header(&jar, "http://one/") == "c=1; d=1");
  CHECK(jar.counts().evicted == 2);
}

TEST_CASE("jar: the default limits", "[cookies]") {
  Jar jar;
  for (int i = 0; i < 100; ++i) Store(&jar, "c" + std::to_string(i) + "=1", "http://h/");
  CHECK(jar.size() == 50);
  for (int d = 0; d < 10; ++d) {
    for (int i = 0; i < 50; ++i) {
      Store(&jar, "c" + std::to_string(i) + "=1", "http://d" + std::to_string(d) + "/");
    }
  }
  CHECK(jar.size() == 300);
  CHECK(jar.counts().evicted == 50 + 250);
}
