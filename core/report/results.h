// What a run produced, as plain data: the one thing the report side (documents.cc, console.cc)
// reads. The run, its stage tracker, its threshold judge, the chaos thread and the observers
// fill these structs; the serializers turn them into the documents of docs/report-schema.json
// and the console summary. Nothing here knows how the results were made: no chaos runner, no
// setup, no probe, no plugin loader - only the plan (for names and locations) and the metrics'
// recorder (the histograms to print).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics/recorder.h"
#include "core/plan/mode.h"
#include "core/plan/plan.h"

namespace sp::report {

// How the run ended (summary.status).
enum class RunStatus { kCompleted, kInterrupted, kAborted };
constexpr const char* RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kCompleted: return "completed";
    case RunStatus::kInterrupted: return "interrupted";
    case RunStatus::kAborted: return "aborted";
  }
  return "completed";
}

// The run as it starts, for run_start and the summary's header.
// Which slice of the plan this generator ran (--segment) and when its load began: the
// wall-clock instant asked for (--start-at) and the actual one (docs/distributed.md).
struct SegmentStart {
  uint32_t index = 0;  // 0/1: the whole plan
  uint32_t count = 1;
  std::optional<double> requested_unix_s;
  double actual_unix_s = 0;
};

struct RunInfo {
  const plan::Plan* plan = nullptr;
  std::vector<std::string> step_names;  // "scenario/request", by request-table index
  size_t stage_count = 0;               // the profile's stages (of every workload)
  uint64_t planned_total_ns = 0;        // ... end to end
  plan::RunMode mode = plan::RunMode::kFull;
  std::string started_at;               // ISO 8601 UTC
  std::string version;                  // stressplan version
  int threads = 0;
  SegmentStart segment_start;  // actual_unix_s set when the load starts
  uint64_t started_unix_ms = 0;  // started_at in milliseconds since the epoch
};

// One workload at one second of the run (a profile with `workloads:`).
struct WorkloadSnapshot {
  std::string name;
  bool started = false;     // its `start:` has come
  bool over = false;        // its last stage ended
  size_t stage = 0;         // the run's stage index of its current stage
  int planned_users = 0;    // closed stage
  double planned_rate = 0;  // open stage
  int active_users = 0;     // closed: active users; open: iterations in progress
};

// One second of the run, for a snapshot document and the console's live line. With several
// workloads, `stage` is the first running workload's and the users and rates are their sums.
struct SnapshotData {
  uint64_t second = 0;        // 1 for the first second of the run
  double elapsed_s = 0;
  size_t stage = 0;
  int planned_users = 0;      // closed stages
  double planned_rate = 0;    // open stages: iterations per second due at this moment
  int active_users = 0;       // closed: active users; open: iterations in progress
  uint64_t in_flight = 0;
  std::vector<std::string> active_chaos;  // names of the chaos steps injected at this moment
  bool circuit_open = false;  // the breaker was open this second (responses or an observer)
  std::vector<WorkloadSnapshot> workloads;  // empty for a `stages:` profile
};

// Planned versus achieved for one stage (core/run/stage_report.h judges it).
struct StageResult {
  size_t index = 0;           // among the run's stages (every workload's, in the profile's order)
  std::string workload;       // its workload; "" for a `stages:` profile
  size_t workload_stage = 0;  // its index within its workload
  bool open = false;
  double started_s = 0;    // since the run's start
  double duration_s = 0;   // as run (a stage with iterations may end early)
  // Closed model.
  int planned_users = 0;
  int users_min = 0;       // active users seen in the stage's snapshots (after its first second)
  int users_max = 0;
  // Open model.
  double planned_rate = 0;      // average iterations per second the schedule asked for
  double achieved_rate = 0;     // iterations started per second
  uint64_t dropped = 0;
  // Both.
  uint64_t planned_iterations = 0;  // open: arrivals planned; closed: the `iterations` limit (0: none)
  metrics::StageStats stats;
  double cpu_busy_avg = 0;  // the load threads' average busy share over the stage (0..1)
  double cpu_busy_max = 0;  // the busiest second of the busiest load thread
  std::vector<std::string> problems;  // why it is untrustworthy; empty: trustworthy
};

// One workload of a profile with `workloads:`: what its stages did together.
struct WorkloadResult {
  std::string name;
  double start_s = 0;          // planned, since the run's start
  double duration_s = 0;       // its stages as run
  std::vector<size_t> stages;  // StageResult::index of each of its stages that ran
  metrics::StageStats stats;   // its stages' requests, latency, iterations, dropped
};

// The verdict on one of the plan's thresholds (core/run/thresholds.h judges it).
struct ThresholdResult {
  const plan::Threshold* threshold = nullptr;
  bool evaluated = false;  // there was data to judge (a latency needs at least one request)
  bool passed = true;
  double observed = 0;  // in the metric's unit; for windows, the first failing (or last) window
  std::string observed_text;  // "123.4ms", "0.52%", "12", "850.3/s"
  double failed_at_s = -1;    // elapsed seconds when it first failed (windows, abort_on_fail)
  // Not judged in this run (threshold->skip_reason says why): passed stays true, so a
  // skipped threshold never changes the exit code.
  bool skipped = false;
  // A threshold that stopped the run (abort_on_fail): `observed` is the value when it
  // stopped it; this is the same metric over the whole run, for the summary.
  bool have_run_value = false;
  double run_observed = 0;
  std::string run_observed_text;
};

// One steady-state probe's verdict.
struct ProbeOutcome {
  std::string name;
  bool ok = false;
  std::string observed;
  std::string message;
};

// How one chaos step as an experiment ended, with Chaos Toolkit's vocabulary:
//   completed    the hypothesis held before and after, the fault went in and came out;
//   failed       the hypothesis did not hold before (the fault was not injected) or after
//                (deviated);
//   aborted      the fault could not be injected or reverted, or the run was aborted;
//   interrupted  SIGINT/SIGTERM came during the experiment;
//   skipped      the load ended before the step's start.
enum class Outcome { kCompleted, kFailed, kAborted, kInterrupted, kSkipped };
// Its text in the reports (experiments[].outcome) and messages.
constexpr const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kCompleted: return "completed";
    case Outcome::kFailed: return "failed";
    case Outcome::kAborted: return "aborted";
    case Outcome::kInterrupted: return "interrupted";
    case Outcome::kSkipped: return "skipped";
  }
  return "completed";
}

// One chaos step as an experiment.
struct ExperimentResult {
  std::string name;
  std::string fault;        // plugin name, plus the toxic or action when the step sets one
  Outcome outcome = Outcome::kCompleted;
  bool deviated = false;
  std::string message;
  double planned_at_s = 0;
  double planned_duration_s = 0;
  double start_s = -1;      // injected at
  double end_s = -1;        // reverted (and verified) at
  bool injected = false;
  bool reverted = false;    // verified: is_active() == 0
  std::vector<ProbeOutcome> before;
  std::vector<ProbeOutcome> after;
};

// The load before a fault, which its recovery is judged against.
struct BaselineResult {
  bool valid = false;
  uint64_t requests = 0;
  double error_rate = 0;
  double p95_ms = 0;
};

enum class RecoveryState { kPending, kRecovered, kUnrecovered, kNoBaseline };
// Its text in the reports (experiments[].recovery.state in docs/report-schema.json).
constexpr const char* RecoveryStateName(RecoveryState s) {
  switch (s) {
    case RecoveryState::kPending: return "pending";
    case RecoveryState::kRecovered: return "recovered";
    case RecoveryState::kUnrecovered: return "unrecovered";
    case RecoveryState::kNoBaseline: return "no_baseline";
  }
  return "pending";
}

// How the run recovered after one fault.
struct RecoveryReport {
  RecoveryState state = RecoveryState::kPending;
  double time_s = -1;  // recovered: seconds from the fault's end
  std::string reason;  // why unrecovered, or what the last bad window violated
  std::string text;    // one line: "4.0 s", "unrecovered (deadline 30 s): ..."
};

// What the run measured around one fault.
struct ExperimentMeasure {
  double inject_s = -1;
  double revert_s = -1;
  metrics::Recorder during;   // the whole seconds that overlap [inject_s, revert_s]
  double during_s = 0;        // how long those seconds are together
  BaselineResult baseline;
  std::optional<RecoveryReport> recovery;  // none: the fault never came out
  uint64_t trips = 0;         // breaker trips while the fault was in (and until recovery)
  double time_open_s = -1;    // breaker open time in the same span; -1 when unknown
};

struct ExperimentReport {
  ExperimentResult result;
  ExperimentMeasure measure;
};

// A stretch of time the breaker was open; end_s < 0 while it still was at the end.
struct OpenInterval {
  double start_s = 0;
  double end_s = -1;
};

// The circuit breaker as one source saw it over the run (summary.circuit[]): a Prometheus
// observer, or the responses' circuit_event.
struct CircuitReport {
  std::string source;         // "responses" (response rules' event) or "observer:<name>"
  std::string signal;         // the event name or the metric selector
  bool counter = false;
  uint64_t trips = 0;
  double time_open_s = -1;    // -1: unknown
  std::vector<OpenInterval> intervals;
  uint64_t polls = 0;         // observers only
  uint64_t failed_polls = 0;  // endpoint unreachable or the metric absent
  std::string last_error;
};

// What the run reports about its chaos (summary.experiments, summary.circuit, summary.proxies).
struct ChaosReport {
  std::vector<ExperimentReport> experiments;
  std::vector<CircuitReport> circuits;  // the first is the one thresholds judge (circuit.*)
  std::vector<std::string> proxies;     // "name: listen -> upstream"

  bool experiments_passed() const {
    for (const auto& e : experiments) {
      if (e.result.outcome == Outcome::kSkipped) continue;  // the load ended first: nothing was judged
      if (e.result.outcome != Outcome::kCompleted || e.result.deviated) return false;
    }
    return true;
  }
};

// Why and how the run ended, for the summary.
struct RunEnd {
  double duration_s = 0;
  RunStatus status = RunStatus::kCompleted;
  std::string reason;                 // e.g. "SIGINT", "target load thread broke"
  uint64_t reporter_documents_dropped = 0;
  std::vector<StageResult> stages;
  std::vector<WorkloadResult> workloads;  // empty for a `stages:` profile
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

}  // namespace sp::report
