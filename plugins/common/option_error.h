// What a refused option looks like inside a plugin; the ABI edge copies it into sp_error
// (sp_error.h: WriteError).
#pragma once

#include <string>
#include <string_view>

namespace sp::plugin_common {

struct OptionError {
  std::string message;  // one sentence: what is wrong and what to do
  std::string option;   // the plan option at fault ("base_url", "toxic", ...), or ""
  std::string path;     // JSON pointer inside a JSON option ("/headers/X-Foo"), or ""
};

// Escapes a key for use as one JSON pointer token (RFC 6901: ~ -> ~0, / -> ~1), for
// OptionError::path.
std::string JsonPointerToken(std::string_view key);

}  // namespace sp::plugin_common
