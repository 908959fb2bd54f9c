// The segments' reports made into one run's documents, as if one machine had run the plan:
// counts summed, histograms merged losslessly (percentiles from the merged histogram), the
// seconds aligned on the earliest segment's start, stages and workloads summed, thresholds
// re-judged on the merged data by the run's own ThresholdEvaluator (windows included), and
// the experiments taken from segment 0 with the merged traffic of their windows.
#pragma once

#include <string>
#include <vector>

#include "core/merge/segment_report.h"
#include "core/plan/plan.h"

namespace sp::merge {

// The merged documents, in the order a run sends them to reporters.
struct MergedDocuments {
  std::string run_start;
  std::vector<std::string> snapshots;
  std::vector<std::string> events;
  std::string summary;
  int exit_code = 0;  // core/exit_codes.h, by the table `run` follows
};

// How many whole seconds later than the earliest segment each segment's load started
// (rounded: a segment 300 ms late counts its second 1 as the merged second 1, one 700 ms late
// as the merged second 2).
std::vector<uint64_t> SecondOffsets(const std::vector<SegmentReport>& reports);

// `reports`: checked and sorted (CheckSegments); `names`: the name table their recorders
// were decoded with; `plan`: read from segment 0's merge_plan (PlanFromRecord), which the
// summary's thresholds point into. Throws nlohmann's exceptions on a malformed report
// member; the caller turns them into a message.
MergedDocuments MergeSegments(const std::vector<SegmentReport>& reports,
                              const std::vector<std::string>& names, const plan::Plan& plan);

}  // namespace sp::merge
