// The plan's `profiles:`: each profile is a list of stages (closed users or open rate, one
// after the other) or a map of named workloads that run at the same time, each with its own
// scenarios, stages, start offset and thresholds.
#pragma once

#include <set>
#include <string>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"
#include "core/plan/value.h"

namespace sp::plan {

// Adds each profile of `v` to plan->profiles (replacing a built-in of the same name).
// Workloads name scenarios of plan->scenarios (read before); `zero_weight` holds the names of
// scenarios left out for their weight 0, so naming one says why. Collects every error.
bool BuildProfiles(const Value& v, const std::set<std::string>& zero_weight, Plan* plan,
                   Diagnostics* errors);

}  // namespace sp::plan
