// The shaded spans of the time charts, read from the run's documents: the stages, the
// workloads of a profile that has them, and the chaos experiments' windows.
#pragma once

#include <vector>

#include "plugins/reporters/html/html_charts.h"
#include "plugins/reporters/html/run_data.h"

namespace sp::html {

// Every band of the run, in drawing order: stages, workloads, chaos windows (the summary's
// experiments' windows; without a summary, the snapshots' RunData::chaos_spans). The stages come
// from the summary as run (`started_s`, `duration_s`), else as planned in run_start (`start_s`);
// they are left out when two of them overlap (workloads running side by side), since full-height
// shades would then hide each other; the workloads' strips show the run's shape instead.
std::vector<Band> TimeBands(const RunData& run);

// A profile's workloads (summary.workloads, else run_start.workloads), each spanning its stages
// (`stages`: their indexes among `stage_bands`, as TimeBands reads them) from the first one's
// start to the last one's end, labelled with its name, in lanes (AssignLanes). A workload
// whose stages are unknown spans `start_s` + `duration_s`, or is left out without them.
std::vector<Band> WorkloadBands(const RunData& run, const std::vector<Band>& stage_bands);

// Gives each band a lane: the first whose bands all end by its start (bands taken by start), so
// workloads that follow one another share a strip and those that overlap stack. Beyond kMaxLanes
// lanes, a band shares the lane that frees up first.
void AssignLanes(std::vector<Band>* bands);

// Whether any two bands cover a common stretch of time longer than a millisecond.
bool AnyOverlap(const std::vector<Band>& bands);

}  // namespace sp::html
