// The plan's `thresholds:` and a workload's own: each item is a "METRIC OP VALUE [for WINDOW]"
// string (threshold.h parses it) or a map {threshold:, request:, workload:, abort_on_fail:}.
// A scope names a request step or a workload; workloads are checked once the profile is
// chosen (--profile may change it), before anything runs.
#pragma once

#include <string>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"
#include "core/plan/value.h"

namespace sp::plan {

// Reads the list `v` (plan key `key`) into *out. `workload` is the workload whose own list
// this is, which scopes every item, or "" for the plan's list. Request scopes are checked
// against plan.scenarios (read before). Collects every error.
bool BuildThresholds(const Value& v, const std::string& key, const Plan& plan,
                     const std::string& workload, std::vector<Threshold>* out, Diagnostics* errors);

// Once plan->profile is final: every `workload:` scope names one of its workloads (else a
// located error with a did-you-mean), and the selected profile's workloads' own thresholds
// are added to plan->thresholds, after the plan's.
bool CheckThresholdScopes(Plan* plan, Diagnostics* errors);

// The metrics a workload scope can judge: what is counted per stage (latency.<stat>,
// error_rate, rps, requests, errors, dropped).
bool WorkloadScopedMetric(const std::string& metric);

}  // namespace sp::plan
