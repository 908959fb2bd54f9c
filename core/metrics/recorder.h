// What a load thread records per completed request: latency histograms (overall and per
// request step), counts by status code, by error kind, by event and by failed check. One
// Recorder per thread, written without locks; recorders merge losslessly.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <stressplan/target.h>

#include "core/metrics/histogram.h"

namespace sp::metrics {

constexpr int kErrorKinds = SP_E_STREAM_RESET + 1;

// The name reports use for an error kind ("connect_refused", ...), "none" for SP_E_NONE.
const char* ErrorKindName(int kind);

struct StepStats {
  Histogram latency;
  uint64_t requests = 0;
  uint64_t errors = 0;
  // Of `requests`, those a target sent to follow a redirect (sp_result.redirect > 0): what
  // tells them from the step's own requests. Counted per request step only.
  uint64_t redirects = 0;
  void Merge(const StepStats& o);
};

// Per stage of the profile: its requests (by the stage they were sent in) and how the
// workload model kept up with the plan.
struct StageStats : StepStats {
  uint64_t iterations_started = 0;
  uint64_t iterations_completed = 0;
  uint64_t dropped = 0;  // open model: starts not made because max_concurrency was reached
  uint64_t local_limit = 0;  // requests failed on the generator's own limits (SP_E_LOCAL_LIMIT)
  void Merge(const StageStats& o);
};

class Recorder {
 public:
  explicit Recorder(size_t steps = 0, size_t stages = 0) : steps_(steps), stages_(stages) {}

  // Records one completed request of step `step` (index into the plan's request table), sent
  // in stage `stage`, that the schedule wanted to start at `intended_ns`. Latency is measured
  // from the intended start (coordinated omission: a stalled server shows), service time from
  // when the target actually started the request. `r` is the host's reading of the plugin's
  // result (plugin::ReadResult: size checked, missing fields zero), never the raw pointer.
  void Record(const sp_result& r, uint32_t step, uint32_t stage, uint64_t intended_ns);
  void IterationStarted(uint32_t stage) { StageOf(stage).iterations_started++; }
  void IterationCompleted(uint32_t stage) { StageOf(stage).iterations_completed++; }
  void Dropped(uint32_t stage) { StageOf(stage).dropped++; }
  void Merge(const Recorder& other);
  void Reset();

  uint64_t requests() const { return requests_; }
  uint64_t errors() const { return errors_; }  // every outcome but SP_E_NONE
  uint64_t bytes_sent() const { return bytes_sent_; }
  uint64_t bytes_received() const { return bytes_received_; }
  const Histogram& latency() const { return latency_; }  // from the intended start
  const Histogram& service_time() const { return service_; }  // from the actual start
  const std::array<uint64_t, kErrorKinds>& errors_by_kind() const { return by_kind_; }
  const std::array<uint64_t, 600>& status_codes() const { return status_; }
  const std::vector<uint64_t>& events() const { return events_; }  // by interned id
  const std::vector<uint64_t>& failed_checks() const { return checks_; }  // by interned id
  const std::vector<StepStats>& steps() const { return steps_; }
  const std::vector<StageStats>& stages() const { return stages_; }

  // For decoding a recorder a report carries (core/report/recorder_json.h): what Record and
  // the iteration calls accumulate, set directly. The load threads never use these.
  Histogram& mutable_latency() { return latency_; }
  Histogram& mutable_service_time() { return service_; }
  void set_totals(uint64_t requests, uint64_t errors, uint64_t bytes_sent,
                  uint64_t bytes_received) {
    requests_ = requests, errors_ = errors, bytes_sent_ = bytes_sent,
    bytes_received_ = bytes_received;
  }
  std::array<uint64_t, kErrorKinds>& mutable_errors_by_kind() { return by_kind_; }
  std::array<uint64_t, 600>& mutable_status_codes() { return status_; }
  std::vector<uint64_t>& mutable_events() { return events_; }
  std::vector<uint64_t>& mutable_failed_checks() { return checks_; }
  std::vector<StepStats>& mutable_steps() { return steps_; }
  std::vector<StageStats>& mutable_stages() { return stages_; }

 private:
  StageStats& StageOf(uint32_t i) {
    if (i >= stages_.size()) stages_.resize(i + 1);
    return stages_[i];
  }

  Histogram latency_;
  Histogram service_;
  uint64_t requests_ = 0;
  uint64_t errors_ = 0;
  uint64_t bytes_sent_ = 0;
  uint64_t bytes_received_ = 0;
  std::array<uint64_t, kErrorKinds> by_kind_{};
  std::array<uint64_t, 600> status_{};
  std::vector<uint64_t> events_;
  std::vector<uint64_t> checks_;
  std::vector<StepStats> steps_;
  std::vector<StageStats> stages_;
};

}  // namespace sp::metrics
