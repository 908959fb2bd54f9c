// What `stressplan merge` needs of the plan, carried in run_start (`merge_plan`), and the
// plan's identity (`plan_id`): the reports of the segments of one plan carry the same id, so
// merge can refuse reports of different plans. The record holds the plan's thresholds (with
// their scopes, windows and locations) and reporters (plugin and options as written) and the
// plugin folders; the rest merge needs (scenarios, stages, workloads) is in run_start already.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/plan/plan.h"

namespace sp::report {

nlohmann::json PlanRecord(const plan::Plan& p);

// "fnv1a64:<16 hex digits>" of `resolved`'s compact text (run_start's description of the
// resolved plan: no times, versions, thread counts, file paths or segment). A check against
// mixing up reports, not a signature.
std::string PlanIdentity(const nlohmann::json& resolved);

// Reads a PlanRecord back into `out`: name, file, environment, profile, thresholds,
// reporters, plugin_paths (the rest is left as it is). `from` names the report in messages.
// Never throws.
bool PlanFromRecord(const nlohmann::json& record, const std::string& from, plan::Plan* out,
                    std::string* err);

}  // namespace sp::report
