// Captures (request option `capture`): values taken from a response and kept for the later
// steps of the same VU iteration, which use them in templates as {{ name }}.
//
//   capture:
//     token:   {json: $.auth.token}                    # from the JSON body
//     user_id: {json: /user/id}                        # a JSON pointer works too
//     session: {header: Set-Cookie, regex: "sid=([^;]+)"}
//     sid:     {cookie: sid}                           # the VU's cookie jar, after this response
//     order:   {regex: 'order-(\d+)', default: "none"} # searched in the body
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "plugins/http_target/checks.h"
#include "lib/jsonpath/json_path.h"
#include "plugins/http_target/option_error.h"
#include "plugins/http_target/regex.h"

namespace sp::http {

struct Capture {
  enum class Source { kJson, kHeader, kBody, kCookie };

  std::string name;
  uint32_t slot = 0;        // index into VuVars::values
  uint32_t failure_id = 0;  // interned "capture <name>": the failed check when nothing matched
  Source source = Source::kBody;
  jsonpath::JsonPath path;  // kJson
  std::string header;       // kHeader
  std::string cookie;       // kCookie: the cookie's name
  Regex regex;  // kBody (required), kHeader and kCookie (optional): group 1, or the whole match
  std::optional<std::string> default_value;

  bool NeedsBody() const { return source == Source::kJson || source == Source::kBody; }

  // The captured text, or false when the response does not have it.
  bool Extract(const ResponseView& r, std::string* out) const;

 private:
  bool FromText(std::string_view value, std::string* out) const;
};

// Parses the `capture` option: a map of name to
// {json | header [+ regex] | cookie [+ regex] | regex, default?}.
// Names are [A-Za-z_][A-Za-z0-9_]* and not a built-in template name. Slots are left 0.
bool ParseCaptures(const nlohmann::json& value, const std::string& option,
                   const std::string& pointer, std::vector<Capture>* out, OptionError* err);

}  // namespace sp::http
