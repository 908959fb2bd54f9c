// The page's tables, each a <section> (empty when there is nothing to show): workloads, requests by
// name, errors by type and failed checks, status codes, stages planned vs achieved, thresholds,
// chaos experiments, and events.
#pragma once

#include <string>

#include "plugins/reporters/html/run_data.h"

namespace sp::html {

std::string WorkloadsTable(const RunData& run);  // summary.workloads: a profile's workloads
std::string RequestsTable(const RunData& run);
std::string ErrorsTables(const RunData& run);  // errors by type, failed checks, status codes
std::string StagesTable(const RunData& run);
std::string ThresholdsTable(const RunData& run);
std::string ExperimentsTable(const RunData& run);
std::string CircuitTable(const RunData& run);   // summary.circuit: each source's trips and open time
std::string EventsTables(const RunData& run);  // counts by name, then the event log

// At most this many rows of the event log are written; the rest are counted.
inline constexpr size_t kMaxEventRows = 500;

}  // namespace sp::html
