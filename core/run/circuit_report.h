// The circuit breaker as one source saw it over the run (summary.circuit[] in
// docs/report-schema.json): a Prometheus observer, or the responses' circuit_event.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/chaos/circuit.h"

namespace sp::run {

struct CircuitReport {
  std::string source;         // "responses" (response rules' event) or "observer:<name>"
  std::string signal;         // the event name or the metric selector
  bool counter = false;
  uint64_t trips = 0;
  double time_open_s = -1;    // -1: unknown
  std::vector<chaos::CircuitTracker::Interval> intervals;
  uint64_t polls = 0;         // observers only
  uint64_t failed_polls = 0;  // endpoint unreachable or the metric absent
  std::string last_error;
};

}  // namespace sp::run
