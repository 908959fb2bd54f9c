// HTTP/1.1 character syntax: tokens, field values, case-insensitive names, OWS.
#include <catch2/catch.hpp>
#include <string>

#include "lib/http1/syntax.h"

using namespace sp::http1;

TEST_CASE("syntax: a token is one or more tchar", "[http1]") {
  CHECK(IsToken("GET"));
  CHECK(IsToken("X-Request-Id"));
  CHECK(IsToken("!#$%&'*+-.^_`|~09azAZ"));
  CHECK_FALSE(IsToken(""));
  CHECK_FALSE(IsToken("Bad Name"));
  CHECK_FALSE(IsToken("a:b"));
  CHECK_FALSE(IsToken("a\"b"));
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool mark = std::string("!#$%&'*+-.^_`|~").find(ch) != std::string::npos;
    INFO("character " << c);
    CHECK(IsTokenChar(ch) == (alnum || mark));
  }
}

TEST_CASE("syntax: field values refuse control characters but HTAB", "[http1]") {
  CHECK(IsFieldValue(""));
  CHECK(IsFieldValue("text/html; q=0.9\tx"));
  CHECK(IsFieldValue("\xc3\xa9"));  // obs-text passes
  CHECK_FALSE(IsFieldValue("a\r\nInjected: 1"));
  CHECK_FALSE(IsFieldValue(std::string("a\0b", 3)));
  CHECK_FALSE(IsFieldValue("\x7f"));
}

TEST_CASE("syntax: names compare ASCII case-insensitively; OWS trims both ends", "[http1]") {
  CHECK(IEquals("Content-Length", "content-LENGTH"));
  CHECK_FALSE(IEquals("Content-Length", "Content-Lengt"));
  CHECK_FALSE(IEquals("a", "b"));
  CHECK_FALSE(IEquals("\xc3\xa9", "\xc3\x89"));  // no Unicode folding
  CHECK(TrimOws(" \t value \t") == "value");
  CHECK(TrimOws("in ner") == "in ner");
  CHECK(TrimOws(" \t ").empty());
}
