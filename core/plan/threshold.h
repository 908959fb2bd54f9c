// Thresholds: pass/fail criteria of a run, written as "METRIC OP VALUE [for WINDOW]"
// (k6-style), e.g. "latency.p95 < 500ms", "error_rate < 1%", "events.circuit_open <= 5".
// This file parses one expression; core/run/thresholds evaluates them.
#pragma once

#include <string>

#include "core/plan/plan.h"

namespace sp::plan {

// Parses `text` into `out` (metric, op, value in the metric's unit, window). On error returns
// false with *err saying what is wrong and what is expected.
bool ParseThreshold(const std::string& text, Threshold* out, std::string* err);

// Metrics only known when the run is over (recovery_time, circuit.*): no windows, no
// abort_on_fail.
bool IsRunEndMetric(const std::string& metric);

// The metric families, for messages and docs.
const char* ThresholdMetricHelp();

}  // namespace sp::plan
