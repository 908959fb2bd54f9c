// Compiles one plan request step into the exact bytes to write, once, at create: no request
// is rendered on the hot path.
#pragma once

#include <string>

#include "plugins/http_target/option_error.h"
#include "plugins/http_target/target_config.h"
#include "plugins/http_target/version.h"
#include "stressplan/target.h"

namespace sp::http {

struct CompiledRequest {
  std::string name;
  std::string bytes;   // request line, headers, blank line and body
  bool head = false;   // a HEAD request: its response has no body
};

// Checks `spec` (laid out as kRequestOptionDecls) and renders it against the target.
// Errors name option "requests/<index>" and the JSON pointer of the field ("/method").
bool compile_request(const sp_request_spec& spec, size_t index, const TargetConfig& target,
                     CompiledRequest* out, OptionError* err);

}  // namespace sp::http
