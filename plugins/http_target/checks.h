// Checks on a response (request option `checks`) and the conditions they share with rules
// (`rules[].when`): status, header, body_contains, body_matches, json.
//
//   checks:
//     - status: 200                 # also [200, 201], "2xx", {min: 200, max: 299}
//     - {name: has session, header: {name: Set-Cookie, contains: "sid="}}
//     - body_contains: '"ok":true'
//     - body_matches: '"id":\s*\d+'
//     - json: {path: $.ok, equals: true}
//
// A check failing makes the request `check_failed`, naming the first failing check (its
// `name`, or one derived from it: "status is 200").
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/jsonpath/json_path.h"
#include "plugins/http_target/option_error.h"
#include "plugins/http_target/regex.h"

namespace sp::cookies {
class Jar;
}

namespace sp::http {

class ResponseTap;

// What a condition looks at: a complete response.
struct ResponseView {
  int status = 0;
  const ResponseTap* tap = nullptr;
  const nlohmann::json* json = nullptr;  // the parsed body; nullptr when it is not JSON
  const cookies::Jar* jar = nullptr;     // the VU's cookies, this response's included
  int64_t now_s = 0;                     // unix seconds, for the jar's expiry
};

struct Condition {
  enum class Kind { kStatus, kHeader, kBodyContains, kBodyMatches, kJson };
  enum class Op { kPresent, kEquals, kContains, kMatches };

  Kind kind = Kind::kStatus;
  std::vector<std::pair<int, int>> status;  // accepted ranges, inclusive
  std::string header;                       // kHeader: the field name
  Op op = Op::kPresent;                     // kHeader: how the value is compared
  std::string text;                         // equals/contains text; body_contains text
  Regex regex;                              // matches; body_matches
  jsonpath::JsonPath path;                  // kJson
  std::shared_ptr<const nlohmann::json> expected;  // kJson with equals; nullptr: exists
  std::string description;                  // "status is 200": the default check name

  bool NeedsBody() const {
    return kind == Kind::kBodyContains || kind == Kind::kBodyMatches || kind == Kind::kJson;
  }

  // True if the response satisfies the condition; otherwise, if why != nullptr, says what the
  // response had instead ("status 404", "header X-Mode is \"b\"").
  bool Test(const ResponseView& r, std::string* why) const;
};

// The keys a condition is written with.
bool IsConditionKey(std::string_view key);

// Parses the condition `key: value`. `pointer` is the JSON pointer of `value` inside `option`
// ("/checks/2/status"); errors point there or deeper.
bool ParseCondition(std::string_view key, const nlohmann::json& value, const std::string& option,
                    const std::string& pointer, Condition* out, OptionError* err);

struct Check {
  std::string name;
  uint32_t id = 0;  // interned name
  Condition condition;
};

// Parses the `checks` option: a list of {name?, <one condition>}. `pointer` is "/checks".
bool ParseChecks(const nlohmann::json& value, const std::string& option, const std::string& pointer,
                 std::vector<Check>* out, OptionError* err);

}  // namespace sp::http
