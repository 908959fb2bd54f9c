// Paths into a JSON response body, as checks and captures write them: a JSON pointer
// ("/user/id", RFC 6901) or a small JSONPath subset ("$.user.id", "$.items[0].name",
// "$['odd key']"). Both compile, once, to the same list of reference tokens.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sp::http {

class JsonPath {
 public:
  // Parses `text`. On failure *err says why (one sentence).
  bool parse(std::string_view text, std::string* err);

  // The value at this path in `doc`, or nullptr. An array step must be a decimal index.
  const nlohmann::json* find(const nlohmann::json& doc) const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> tokens_;
};

// The text a JSON value contributes to a template or a comparison: a string's own characters,
// anything else compact JSON (42, true, null, {"a":1}).
std::string json_value_text(const nlohmann::json& value);

}  // namespace sp::http
