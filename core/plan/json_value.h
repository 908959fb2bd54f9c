// Converting a located plan tree to JSON text (for SP_OPT_JSON options and anything else
// that hands plan subtrees to plugins). Keeps nlohmann/json out of headers.
#pragma once

#include <string>

#include "core/plan/value.h"

namespace sp::plan {

// Compact JSON for `value`. Maps keep their document order. Scalars are typed the way YAML
// reads them: a plain (unquoted) scalar that is a JSON number becomes a number, plain
// true/false (also True/TRUE/False/FALSE) a boolean, plain null/~ and empty values null;
// everything else, and every quoted scalar, is a string.
std::string ToJsonText(const Value& value);

}  // namespace sp::plan
