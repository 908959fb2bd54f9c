// The JSON documents the run sends to reporters (see include/stressplan/reporter.h and
// docs/report-schema.json): run_start, snapshot, event, summary. Built here, in one place, from
// the plain result structs of results.h (and the plan), so every reporter sees the same
// versioned schema.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/report/results.h"

namespace sp::report {

constexpr int kReportSchemaVersion = 1;

std::string RunStartDocument(const RunInfo& info);

// `names`: interned names by id (events); `step_names`: the request steps' names by index.
std::string SnapshotDocument(const SnapshotData& s, const metrics::Recorder& interval,
                             const std::vector<std::string>& names,
                             const std::vector<std::string>& step_names);

std::string EventDocument(double elapsed_s, const std::string& source, const std::string& name,
                          double value);

// `names`: interned names by id (events, checks).
std::string SummaryDocument(const RunInfo& info, const RunEnd& end, const metrics::Recorder& total,
                            const std::vector<std::string>& names,
                            const std::map<std::string, uint64_t>& emitted_events);

// The traffic of `r` over `seconds` as the summary describes an experiment's `during`:
// requests, errors, rates, latency, errors by type, status codes, events (`stressplan merge`
// recomputes it from the merged seconds).
std::string TrafficDocument(const metrics::Recorder& r, double seconds,
                            const std::vector<std::string>& names);

// Milliseconds with microsecond precision, for report values.
double Ms(uint64_t ns);

}  // namespace sp::report
