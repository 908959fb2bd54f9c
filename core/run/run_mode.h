// --mode (docs/cli.md): the same plan run three ways.
//   full   the profile's load with the chaos steps on its timeline (default); steps that
//          would start after the load's end are skipped;
//   load   the profile's load only: no chaos steps, no experiments (proxies still sit in the
//          path, passing traffic through untouched);
//   chaos  the experiments only, under light probe traffic (chaos.probe_rate, open model) for
//          as long as the last step plus the recovery deadline; only the chaos thresholds
//          (recovery_time, circuit.*) are judged, the load thresholds are left out.
#pragma once

#include <string>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"
#include "core/report/results.h"

namespace sp::run {

// Rewrites *plan for `mode`. False with errors when the mode cannot run this plan (chaos
// without steps). In full mode, steps starting after the load's end are announced on stderr;
// the chaos runner reports them as skipped.
bool ApplyMode(plan::RunMode mode, plan::Plan* plan, plan::Diagnostics* errors);

}  // namespace sp::run
