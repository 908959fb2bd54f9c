// GET /metrics: the demo's counters in the Prometheus text exposition format 0.0.4, so a
// Prometheus (or stressplan) can scrape the same numbers /stats shows as JSON.
#pragma once

#include <string>

#include "demo/stats.h"

namespace sp::demo {

// The Content-Type of the format.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4";

// Requests by path and responses by status always; the upstream calls and the circuit
// breaker only with `circuit` (the webhook role with --upstream).
std::string PrometheusText(const Stats& stats, const CircuitCounts* circuit);

}  // namespace sp::demo
