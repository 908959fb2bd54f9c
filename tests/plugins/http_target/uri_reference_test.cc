#include "plugins/http_target/uri_reference.h"

#include <catch2/catch.hpp>

using sp::http::RemoveDotSegments;
using sp::http::ResolveUri;
using sp::http::SplitUri;
using sp::http::UriParts;

namespace {

// Back to text (RFC 3986 §5.3), without a fragment.
std::string Recompose(const UriParts& u) {
  std::string s;
  if (!u.scheme.empty()) s += u.scheme + ":";
  if (u.has_authority) s += "//" + u.authority;
  s += u.path;
  if (u.has_query) s += "?" + u.query;
  return s;
}

std::string Resolve(const std::string& reference) {
  return Recompose(ResolveUri(SplitUri("http://a/b/c/d;p?q"), SplitUri(reference)));
}

}  // namespace

TEST_CASE("uri: split into the parts of RFC 3986 Appendix B", "[redirect]") {
  UriParts u = SplitUri("https://user@Host:8443/a/b?x=1&y#frag");
  CHECK(u.scheme == "https");
  CHECK(u.has_authority);
  CHECK(u.authority == "user@Host:8443");
  CHECK(u.path == "/a/b");
  CHECK(u.has_query);
  CHECK(u.query == "x=1&y");

  u = SplitUri("/next");
  CHECK(u.scheme.empty());
  CHECK_FALSE(u.has_authority);
  CHECK(u.path == "/next");
  CHECK_FALSE(u.has_query);

  u = SplitUri("?");  // an empty query is still a query
  CHECK(u.path.empty());
  CHECK(u.has_query);
  CHECK(u.query.empty());

  u = SplitUri("//other:81");
  CHECK(u.has_authority);
  CHECK(u.authority == "other:81");
  CHECK(u.path.empty());

  u = SplitUri("a:b/c");  // a colon before any '/' makes a scheme
  CHECK(u.scheme == "a");
  CHECK(u.path == "b/c");
  u = SplitUri("./a:b");  // not after one
  CHECK(u.scheme.empty());
  CHECK(u.path == "./a:b");
}

TEST_CASE("uri: dot segments (RFC 3986 §5.2.4)", "[redirect]") {
  CHECK(RemoveDotSegments("/a/b/c/./../../g") == "/a/g");
  CHECK(RemoveDotSegments("mid/content=5/../6") == "mid/6");
  CHECK(RemoveDotSegments("/..") == "/");
  CHECK(RemoveDotSegments("/a/..") == "/");
  CHECK(RemoveDotSegments("/a/.") == "/a/");
  CHECK(RemoveDotSegments("../x") == "x");
  CHECK(RemoveDotSegments("/a/%2e%2e/b") == "/a/%2e%2e/b");  // not decoded
  CHECK(RemoveDotSegments("") == "");
}

// The RFC's own examples (§5.4.1 normal, §5.4.2 abnormal), base "http://a/b/c/d;p?q".
TEST_CASE("uri: resolution examples of RFC 3986 §5.4", "[redirect]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q"},
      {"g#s", "http://a/b/c/g"},
      {"g?y#s", "http://a/b/c/g?y"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
      // abnormal
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g"},
      {"g#s/../x", "http://a/b/c/g"},
      {"http:g", "http:g"},  // strict parsers
  };
  for (const auto& [reference, expected] : cases) {
    INFO(reference);
    CHECK(Resolve(reference) == expected);
  }
}

TEST_CASE("uri: a base with an authority and an empty path merges under '/'", "[redirect]") {
  CHECK(Recompose(ResolveUri(SplitUri("http://a"), SplitUri("g"))) == "http://a/g");
}
