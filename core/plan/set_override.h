// --set path=value: changes one node of the plan tree from the command line.
//
// The path is dot-separated map keys, with 0-based indexes into lists
// ("profiles.spike.stages.1.users"). Missing map keys are created (and an empty/null node
// on the way becomes a map); list indexes must exist. The value is read as YAML, so
// "50", "true", "[a, b]" and "{k: v}" are typed, and "'quoted'" is a string; an empty value
// is null. Nodes created here are located at the flag ("--set k=v").
#pragma once

#include <string>

#include "core/plan/diagnostic.h"
#include "core/plan/value.h"

namespace sp::plan {

// Applies "path=value". Errors print as "--set path=value: message".
bool ApplySet(Value* root, const std::string& assignment, Diagnostics* errors);

// Stores `value` at `path` (same path syntax). `flag` names the origin in messages and
// locations, e.g. "--set a.b=1" or "--host http://x".
bool SetPath(Value* root, const std::string& path, Value value, const std::string& flag,
             Diagnostics* errors);

}  // namespace sp::plan
