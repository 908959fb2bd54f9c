// What a refused option looks like inside the engine; the ABI edge copies it into sp_error.
#pragma once

#include <string>

namespace sp::proxy {

struct OptionError {
  std::string message;  // one sentence: what is wrong and what to do
  std::string option;   // the plan option at fault ("listen", "toxic", ...)
  std::string path;     // JSON pointer inside a JSON option ("/X-Foo"), or ""
};

}  // namespace sp::proxy
