// The JSON documents the run sends to reporters (see include/stressplan/reporter.h and
// docs/report-schema.json): run_start, snapshot, event, summary. Built from plain data here,
// in one place, so every reporter sees the same versioned schema.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/plan/plan.h"
#include "core/run/chaos_report.h"
#include "core/run/load_model.h"
#include "core/run/schedule.h"
#include "core/run/stage_report.h"
#include "core/run/thresholds.h"

namespace sp::run {

constexpr int kReportSchemaVersion = 1;

struct RunInfo {
  const plan::Plan* plan = nullptr;
  const LoadModel* model = nullptr;
  const StageClock* clock = nullptr;
  std::string mode;          // load | chaos | full
  std::string started_at;    // ISO 8601 UTC
  std::string version;       // stressplan version
  int threads = 0;
};

// Why and how the run ended, for the summary.
struct RunEnd {
  double duration_s = 0;
  std::string status = "completed";  // completed | interrupted | aborted
  std::string reason;                 // e.g. "SIGINT", "target load thread broke"
  uint64_t reporter_documents_dropped = 0;
  std::vector<StageResult> stages;
  std::vector<ThresholdResult> thresholds;
  double process_cpu_s = 0;  // the whole process's CPU time over the run
  ChaosReport chaos;
  bool thresholds_passed() const {
    for (const auto& t : thresholds) {
      if (!t.passed) return false;
    }
    return true;
  }
  bool trustworthy() const {
    for (const auto& s : stages) {
      if (!s.problems.empty()) return false;
    }
    return true;
  }
};

std::string RunStartDocument(const RunInfo& info);

struct SnapshotData {
  uint64_t second = 0;        // 1 for the first second of the run
  double elapsed_s = 0;
  size_t stage = 0;
  int planned_users = 0;      // closed stages
  double planned_rate = 0;    // open stages: iterations per second due at this moment
  int active_users = 0;       // closed: active users; open: iterations in progress
  uint64_t in_flight = 0;
  std::vector<std::string> active_chaos;  // names of the chaos steps injected at this moment
};
std::string SnapshotDocument(const SnapshotData& s, const metrics::Recorder& interval,
                             const std::vector<std::string>& names);

std::string EventDocument(double elapsed_s, const std::string& source, const std::string& name,
                          double value);

// `names`: interned names by id (events, checks).
std::string SummaryDocument(const RunInfo& info, const RunEnd& end, const metrics::Recorder& total,
                            const std::vector<std::string>& names,
                            const std::map<std::string, uint64_t>& emitted_events);

// Milliseconds with microsecond precision, for report values.
double Ms(uint64_t ns);

}  // namespace sp::run
