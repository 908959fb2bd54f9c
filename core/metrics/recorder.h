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

constexpr int kErrorKinds = SP_E_OTHER + 1;

// The name reports use for an error kind ("connect_refused", ...), "none" for SP_E_NONE.
const char* ErrorKindName(int kind);

struct StepStats {
  Histogram latency;
  uint64_t requests = 0;
  uint64_t errors = 0;
  void Merge(const StepStats& o);
};

class Recorder {
 public:
  explicit Recorder(size_t steps = 0) : steps_(steps) {}

  // Records one completed request of step `step` (index into the plan's request table).
  void Record(const sp_result& r, uint32_t step);
  void Merge(const Recorder& other);
  void Reset();

  uint64_t requests() const { return requests_; }
  uint64_t errors() const { return errors_; }  // every outcome but SP_E_NONE
  uint64_t bytes_sent() const { return bytes_sent_; }
  uint64_t bytes_received() const { return bytes_received_; }
  const Histogram& latency() const { return latency_; }
  const std::array<uint64_t, kErrorKinds>& errors_by_kind() const { return by_kind_; }
  const std::array<uint64_t, 600>& status_codes() const { return status_; }
  const std::vector<uint64_t>& events() const { return events_; }  // by interned id
  const std::vector<uint64_t>& failed_checks() const { return checks_; }  // by interned id
  const std::vector<StepStats>& steps() const { return steps_; }

 private:
  Histogram latency_;
  uint64_t requests_ = 0;
  uint64_t errors_ = 0;
  uint64_t bytes_sent_ = 0;
  uint64_t bytes_received_ = 0;
  std::array<uint64_t, kErrorKinds> by_kind_{};
  std::array<uint64_t, 600> status_{};
  std::vector<uint64_t> events_;
  std::vector<uint64_t> checks_;
  std::vector<StepStats> steps_;
};

}  // namespace sp::metrics
