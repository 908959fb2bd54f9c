// Paths into a JSON document, as the HTTP target's checks and captures and the chaos
// steady-state probes write them (docs/targets/http.md, docs/chaos.md):
//
//   ""  or  "$"        the whole document
//   "/a/b/0"           a JSON pointer (RFC 6901): ~0 is '~', ~1 is '/', any other '~' an error
//   "$.a.b[0]"         a small JSONPath subset: ".name" (up to the next '.' or '['), "[N]"
//   "$['odd key']"     (decimal digits), "['key']" or "[\"key\"]"; inside the quotes a
//                      backslash makes the next character literal ('it\'s', "back\\slash"),
//                      so any key can be written
//
// Both forms compile, once, to the same list of reference tokens. Lookup: on an object a token
// is a key; on an array it must be a decimal index without leading zeros, within bounds;
// anything else is not found.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sp::jsonpath {

class JsonPath {
 public:
  // Parses `text`. On failure *err is the path in quotes, then what is wrong and where:
  // "'$x': expected '.' or '[', found 'x' at column 2" (callers put the option's name in front).
  bool Parse(std::string_view text, std::string* err);

  // The value at this path in `doc`, or nullptr.
  const nlohmann::json* Find(const nlohmann::json& doc) const;

  const std::string& text() const { return text_; }
  const std::vector<std::string>& tokens() const { return tokens_; }

 private:
  std::string text_;
  std::vector<std::string> tokens_;
};

// The text a found value contributes to a template or a comparison: a string's own characters,
// anything else compact JSON (42, true, null, {"a":1}).
std::string ValueText(const nlohmann::json& value);

}  // namespace sp::jsonpath
