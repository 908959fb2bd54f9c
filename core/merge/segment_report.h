// One segment's report.json, read for `stressplan merge`: which segment of which plan it is,
// when its load started, and its recorders (the whole run's and each second's) decoded
// losslessly (core/report/recorder_json.h). Then the checks that a set of reports are the
// segments of one run: one plan identity, one segment count, every index once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/metrics/recorder.h"

namespace sp::merge {

struct SegmentSecond {
  uint64_t second = 0;         // the snapshot's `second` (1 = the run's first)
  nlohmann::json snapshot;     // the snapshot document as written
  metrics::Recorder interval;  // its `recorder`
};

struct SegmentReport {
  std::string file;    // the report.json read, as found
  nlohmann::json run;  // run_start
  nlohmann::json summary;
  nlohmann::json events;  // [event documents]
  std::string plan_id;
  size_t index = 0;  // segment index; a report without `segment` is 0 of 1
  size_t count = 1;
  uint64_t started_unix_ms = 0;
  metrics::Recorder total;
  std::vector<SegmentSecond> seconds;
};

// `path` is a report folder (its report.json is read) or a report file. `names` is the
// interned event/check name table the recorders share. Refuses (false, *err naming the
// file) an unreadable file, one that is not a stressplan report, or one too old to merge
// (no lossless recorders or plan identity).
bool ReadSegmentReport(const std::string& path, std::vector<std::string>* names, SegmentReport* out,
                       std::string* err);

// Refuses reports of different plans or segment counts, and missing or duplicate segment
// indexes, naming the files. On success sorts `reports` by segment index.
bool CheckSegments(std::vector<SegmentReport>* reports, std::string* err);

}  // namespace sp::merge
