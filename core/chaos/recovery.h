// How long the system under test took to recover after a fault ended, judged from the run's
// 1 s windows against the baseline measured before the fault.
#pragma once

#include <cstdint>
#include <string>

namespace sp::chaos {

struct RecoveryConfig {
  int windows = 3;                // consecutive good 1 s windows needed
  double deadline_s = 30;         // after the fault's end; past it: unrecovered
  double error_rate_margin = 0.01;// a window is good if error_rate <= baseline + margin
  double latency_factor = 1.5;    // ... and p95 <= max(baseline_p95 * factor, baseline_p95 + latency_floor_ms)
  double latency_floor_ms = 5;
};

struct Baseline { bool valid = false; double error_rate = 0; double p95_ms = 0; uint64_t requests = 0; };

// The baseline from the windows before the fault, merged: valid when requests > 0.
Baseline BaselineFrom(uint64_t requests, uint64_t errors, double p95_ms);

struct WindowStats {               // one 1 s window of the run
  double start_s = 0, end_s = 0;
  uint64_t requests = 0, errors = 0;
  double p95_ms = 0;
  bool breaker_open = false;       // an observer or response rule saw the breaker open in this window
};

struct RecoveryResult {
  enum class State { Pending, Recovered, Unrecovered, NoBaseline };
  State state = State::Pending;
  double recovery_time_s = -1;     // Recovered: start of the first of the good run minus fault_end_s (>= 0)
  double recovered_at_s = -1;
  std::string reason;              // human text: why unrecovered / what the last bad window violated
  // Unrecovered because the deadline passed: the deadline (s); -1 otherwise (run ended first).
  double deadline_s = -1;
};

// Windows are judged one by one, in order:
//  - good: requests > 0, error rate <= baseline + margin, p95 within the latency bound, breaker
//    not seen open;
//  - bad: any of those violated (a window with the breaker open is bad even with no requests);
//  - empty (0 requests, breaker not seen open): neither. It does not extend the run of good
//    windows (no evidence that the service works) and does not break it either (no evidence
//    that it fails: a low open-model rate or users thinking can leave a second empty). A
//    stalled service does not hide behind empty windows: its requests complete late, with the
//    latency measured from their intended start, and make a later window bad.
// Recovered once `windows` good windows follow each other (empty ones in between allowed); the
// recovery time is the start of the first of them minus the fault's end. The deadline bounds
// when that first good window may start (recovery_time_s <= deadline_s); windows after the
// deadline are still used to confirm a run that started before it, so the runner should keep
// feeding windows up to deadline + windows seconds after the fault.
class RecoveryMeter {
 public:
  RecoveryMeter(RecoveryConfig cfg, Baseline baseline, double fault_end_s);
  // Windows ending at or before fault_end_s are ignored; a window straddling the fault's end
  // counts (a good one gives recovery time 0).
  void OnWindow(const WindowStats& w);
  void Finish(double run_end_s);         // Pending -> Unrecovered ("run ended N s after the fault, before recovery")
  const RecoveryResult& result() const;
  bool done() const;

  // Why `w` is not good against this meter's baseline ("" when good, "no requests" when empty).
  std::string Violation(const WindowStats& w) const;
  int good_windows() const { return good_; }

 private:
  void Fail(std::string reason, double deadline_s);

  RecoveryConfig cfg_;
  Baseline baseline_;
  double fault_end_s_;
  RecoveryResult result_;
  int good_ = 0;                 // good windows in the current run
  double run_start_s_ = -1;      // start of the current run's first good window
  std::string last_bad_;         // what the last bad window violated
};

// One-line text for reports: "4.0 s", "unrecovered (deadline 30 s): error rate 12% > 1.5%".
std::string Describe(const RecoveryResult& r);

}  // namespace sp::chaos
