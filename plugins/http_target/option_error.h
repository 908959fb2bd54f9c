// What a refused option looks like inside the engine; the ABI edge copies it into sp_error.
#pragma once

#include <string>

namespace sp::http {

struct OptionError {
  std::string message;  // one sentence: what is wrong and what to do
  std::string option;   // "base_url", "headers", or "requests/<index>" for a request step
  std::string path;     // JSON pointer inside that option ("/method", "/headers/X-Foo"), or ""
};

}  // namespace sp::http
