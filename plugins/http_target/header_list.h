// Header maps from the plan (`headers:` of the target and of each request), checked and kept
// in order, and the layering rule: a later layer replaces earlier fields of the same name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plugins/http_target/option_error.h"

namespace sp::http {

struct Header {
  std::string name;
  std::string value;
};
using HeaderList = std::vector<Header>;

// Parses `json`, a JSON object of header name to value (strings; integers and booleans are
// written as they read). `pointer` is where the object sits inside `option` ("" for the
// target's `headers`, "/headers" for a request's); errors point at the offending field.
bool ParseHeaders(std::string_view json, const std::string& option, const std::string& pointer,
                  HeaderList* out, OptionError* err);

// Replaces every field of `base` that `layer` names (case-insensitively), then appends `layer`.
void OverlayHeaders(HeaderList* base, const HeaderList& layer);

// The first field named `name` (case-insensitively), or nullptr.
const Header* FindHeader(const HeaderList& headers, std::string_view name);

// Escapes a key for use as one JSON pointer token (RFC 6901: ~ -> ~0, / -> ~1).
using plugin_common::JsonPointerToken;

}  // namespace sp::http
