// lib/http_body form encoding against the WHATWG urlencoded serializer and Python's urlencode.
#include "lib/http_body/form.h"

#include <catch2/catch.hpp>
#include <string>

using namespace sp::http_body;

namespace {

std::string Encoded(std::string_view bytes) {
  std::string out;
  AppendFormEncoded(bytes, &out);
  return out;
}

}  // namespace

TEST_CASE("AppendFormEncoded: the WHATWG application/x-www-form-urlencoded byte serializer",
          "[http_body]") {
  // https://url.spec.whatwg.org/#urlencoded-serializing: 0x2A, 0x2D, 0x2E, 0x30-0x39,
  // 0x41-0x5A, 0x5F, 0x61-0x7A kept, 0x20 to '+', the rest percent-encoded upper-case.
  CHECK(Encoded("azAZ09*-._") == "azAZ09*-._");
  CHECK(Encoded(" ") == "+");
  CHECK(Encoded("~") == "%7E");  // unlike RFC 3986's unreserved set
  CHECK(Encoded("!'()") == "%21%27%28%29");
  CHECK(Encoded("+&=%") == "%2B%26%3D%25");
  CHECK(Encoded("\xe2\x89\xa0") == "%E2%89%A0");  // U+2260 as UTF-8
  CHECK(Encoded(std::string("\x00\x7f\xff", 3)) == "%00%7F%FF");
  CHECK(Encoded("") == "");
  // Every byte: 66 kept (62 alphanumerics and *-._), the space one byte, 189 escaped.
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  CHECK(Encoded(all).size() == 66 + 1 + 189 * 3);
}

TEST_CASE("AppendFormField: name=value pairs joined with '&'", "[http_body]") {
  std::string body;
  AppendFormField("a b", "c&d=e", &body);
  AppendFormField("name", "Zo\xc3\xab \xe2\x9c\x93", &body);
  AppendFormField("x", "a+b%20/?#", &body);
  AppendFormField("k", "_.-", &body);
  // Python 3.11: urllib.parse.urlencode([('a b', 'c&d=e'), ('name', 'Zoë ✓'),
  // ('x', 'a+b%20/?#'), ('k', '_.-')]) printed this, computed once when this test was written.
  CHECK(body == "a+b=c%26d%3De&name=Zo%C3%AB+%E2%9C%93&x=a%2Bb%2520%2F%3F%23&k=_.-");

  std::string controls;
  AppendFormField("q", "\r\n\t", &controls);
  AppendFormField("", "", &controls);
  // Python 3.11: urlencode([('q', '\r\n\t'), ('', '')]) == 'q=%0D%0A%09&='
  CHECK(controls == "q=%0D%0A%09&=");

  // Where Python differs: its quote_plus keeps '~' and escapes '*' (RFC 3986's unreserved
  // set), urlencode([('s', '*~')]) == 's=%2A~'; the WHATWG serializer, which browsers use,
  // does the opposite.
  std::string star;
  AppendFormField("s", "*~", &star);
  CHECK(star == "s=*%7E");
}
