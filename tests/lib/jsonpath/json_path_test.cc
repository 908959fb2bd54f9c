// JSON paths: both spellings to the same tokens, quoted keys with escapes, the lookup rules,
// and each syntax error with its column.
#include "lib/jsonpath/json_path.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using sp::jsonpath::JsonPath;
using Tokens = std::vector<std::string>;

namespace {

Tokens tokens_of(const std::string& text) {
  JsonPath path;
  std::string err;
  INFO(text);
  REQUIRE(path.Parse(text, &err));
  CHECK(path.text() == text);
  return path.tokens();
}

std::string error_of(const std::string& text) {
  JsonPath path;
  std::string err;
  CHECK_FALSE(path.Parse(text, &err));
  return err;
}

}  // namespace

TEST_CASE("json path: $ paths and JSON pointers compile to the same tokens", "[jsonpath]") {
  CHECK(tokens_of("").empty());
  CHECK(tokens_of("$").empty());
  CHECK(tokens_of("$.a.b[0]") == Tokens{"a", "b", "0"});
  CHECK(tokens_of("/a/b/0") == Tokens{"a", "b", "0"});
  CHECK(tokens_of("$[2][10]") == Tokens{"2", "10"});
  CHECK(tokens_of("$['a/b'][\"c~d\"].e") == Tokens{"a/b", "c~d", "e"});
  CHECK(tokens_of("/a~1b/c~0d/e") == Tokens{"a/b", "c~d", "e"});
  CHECK(tokens_of("$['a.b']") == Tokens{"a.b"});
  CHECK(tokens_of("$['odd key']") == Tokens{"odd key"});
  CHECK(tokens_of("/") == Tokens{""});  // the key "" (RFC 6901)
  CHECK(tokens_of("/a//b") == Tokens{"a", "", "b"});
}

TEST_CASE("json path: a backslash in quotes makes the next character literal", "[jsonpath]") {
  CHECK(tokens_of(R"($['it\'s'])") == Tokens{"it's"});
  CHECK(tokens_of(R"($["say \"hi\""])") == Tokens{"say \"hi\""});
  CHECK(tokens_of(R"($['back\\slash'])") == Tokens{"back\\slash"});
  CHECK(tokens_of(R"($['\a'])") == Tokens{"a"});
  CHECK(tokens_of(R"($["it's"])") == Tokens{"it's"});  // the other quote needs no escape
  // A backslash escaping the closing quote leaves the key open.
  CHECK(error_of(R"($['a\'])") == R"('$['a\']': unterminated quoted key at column 2)");
}

TEST_CASE("json path: syntax errors say what and where", "[jsonpath]") {
  CHECK(error_of("status") ==
        "'status' must start with '$' (like $.a.b[0]) or '/' (a JSON pointer like /a/b/0)");
  CHECK(error_of("$.a[") ==
        "'$.a[': expected an array index like [0] or a quoted key like ['a'] at column 4");
  CHECK(error_of("$.a[x]") ==
        "'$.a[x]': expected an array index like [0] or a quoted key like ['a'] at column 4");
  CHECK(error_of("$..a") == "'$..a': expected a key after '.' at column 3");
  CHECK(error_of("$.") == "'$.': expected a key after '.' at column 3");
  CHECK(error_of("$['a") == "'$['a': unterminated quoted key at column 2");
  CHECK(error_of("$['a'x") == "'$['a'x': expected ']' after the quoted key at column 6");
  CHECK(error_of("$x") == "'$x': expected '.' or '[', found 'x' at column 2");
  CHECK(error_of("/a~2") ==
        "'/a~2': '~' not followed by 0 or 1 at column 3 (write ~0 for ~ and ~1 for /)");
  CHECK(error_of("/a~") ==
        "'/a~': '~' not followed by 0 or 1 at column 3 (write ~0 for ~ and ~1 for /)");
}

TEST_CASE("json path: lookup by key and by decimal index", "[jsonpath]") {
  const nlohmann::json doc = nlohmann::json::parse(
      R"({"a": {"b": [10, 20, {"c": "x"}]}, "it's": 1, "": 2, "0": "zero", "n": null})");
  const auto find = [&](const std::string& text) -> const nlohmann::json* {
    JsonPath path;
    std::string err;
    REQUIRE(path.Parse(text, &err));
    return path.Find(doc);
  };
  CHECK(*find("$") == doc);
  CHECK(*find("$.a.b[1]") == 20);
  CHECK(*find("/a/b/2/c") == "x");
  CHECK(*find(R"($['it\'s'])") == 1);
  CHECK(*find("/") == 2);
  CHECK(*find("$.0") == "zero");  // on an object a digit token is a key
  CHECK(find("$.n")->is_null());
  CHECK(find("$.a.b[3]") == nullptr);   // out of bounds
  CHECK(find("$.a.b[01]") == nullptr);  // leading zero
  CHECK(find("/a/b/-") == nullptr);     // no "past the end" on reads
  CHECK(find("$.a.b.x") == nullptr);    // a key on an array
  CHECK(find("$.a.b[0].x") == nullptr); // a step into a number
  CHECK(find("$.missing") == nullptr);
  CHECK(find("$.a.b[99999999999999999999]") == nullptr);
}

TEST_CASE("json path: the text a value gives", "[jsonpath]") {
  using nlohmann::json;
  CHECK(sp::jsonpath::ValueText(json("plain")) == "plain");
  CHECK(sp::jsonpath::ValueText(json(42)) == "42");
  CHECK(sp::jsonpath::ValueText(json(true)) == "true");
  CHECK(sp::jsonpath::ValueText(json(nullptr)) == "null");
  CHECK(sp::jsonpath::ValueText(json::parse(R"({"a":[1,"b"]})")) == R"({"a":[1,"b"]})");
}
