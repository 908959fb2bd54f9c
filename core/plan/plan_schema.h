// The plan's own keys: checks the final tree (after overlays, ${VAR} and --set) and builds
// the Plan structs. Plugin options are kept as located trees, checked later (options.h).
#pragma once

#include <string>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"
#include "core/plan/value.h"

namespace sp::plan {

// Every top-level key a plan may have, including `environments` and the refused future
// keys (`chaos`, `thresholds`), in documentation order.
const std::vector<std::string>& PlanKeys();

// Fills *plan from `root`. plan->file and plan->dir (absolute) must be set; relative paths
// resolve against plan->dir. Collects every error it finds. Does not check that
// plan->profile exists (CLI overrides may still change it); *profile_loc receives where
// `profile:` was written (or the root's location when absent).
bool BuildPlan(const Value& root, Plan* plan, Location* profile_loc, Diagnostics* errors);

}  // namespace sp::plan
