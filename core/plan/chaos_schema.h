// The chaos parts of a plan (docs/chaos.md): `proxies:` (fault sites), `observers:`
// (Prometheus endpoints watched for the circuit breaker) and `chaos:` (steady-state probes,
// recovery settings, and the steps on the timeline). Read after services: steps refer to
// proxies by name, and their fault plugin's options stay a located tree that the run
// resolves once the plugin is loaded.
#pragma once

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"

namespace sp::plan {

// Reads root's `proxies`, `observers` and `chaos` into *plan. False when anything failed
// (the errors are in *errors, located).
bool BuildChaos(const Value& root, Plan* plan, Diagnostics* errors);

// A plan as written (no --profile/--users/--duration): every chaos step must start before
// the selected profile's end and end by it; a step that does not is located at its `at:`
// (starts too late) or `duration:` (ends too late). When flags shorten the run, steps past
// its end are skipped instead (core/run/run_mode.cc), so this is not called.
bool CheckChaosTimeline(const Plan& plan, Diagnostics* errors);

}  // namespace sp::plan
