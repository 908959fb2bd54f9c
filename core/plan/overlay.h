// Environment overlays (`environments:` + --env) and the deep merge they use.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/value.h"

namespace sp::plan {

// Merges `overlay` over `*base`: when both are maps, keys merge recursively (new keys are
// appended in the overlay's order); otherwise the overlay replaces the base (lists, scalars,
// null). Replaced nodes keep the overlay's locations.
void DeepMerge(Value* base, const Value& overlay);

// Removes `environments:` from the plan root (a map), checks every environment (a map whose
// keys are `vars` or one of `plan_keys`, with `vars` a map of text), and, when `name` is not
// empty, merges that environment over the root and returns its vars in *vars. Variables
// inside vars are substituted from `process_env`. An unknown name is reported as "--env: ...".
bool ApplyEnvironment(Value* root, const std::string& name, const std::vector<std::string>& plan_keys,
                      const std::map<std::string, std::string>& process_env,
                      std::map<std::string, std::string>* vars, Diagnostics* errors);

}  // namespace sp::plan
