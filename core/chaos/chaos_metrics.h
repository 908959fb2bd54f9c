// What the run measures around its chaos steps, second by second (docs/chaos.md):
// - per step, the load while its fault was in (the "chaos window" breakdown), the baseline
//   before it, and the recovery time after it;
// - the circuit breaker seen through the response rules (seconds with `circuit_event`
//   responses are "open") and through the Prometheus observers;
// - the recent seconds, for metric probes of the steady-state hypothesis.
// The main thread feeds one-second intervals (OnSecond); the chaos thread marks injections and
// reverts and asks for probes and recovery verdicts. Thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/chaos/circuit.h"
#include "core/chaos/observer.h"
#include "core/chaos/recovery.h"
#include "core/metrics/recorder.h"
#include "core/plan/plan.h"
#include "core/report/results.h"

namespace sp::chaos {

struct StepMeasure {
  double inject_s = -1;
  double revert_s = -1;
  metrics::Recorder during;   // the whole seconds that overlap [inject_s, revert_s]
  double during_s = 0;        // how long those seconds are together
  chaos::Baseline baseline;
  std::optional<chaos::RecoveryMeter> recovery;
  uint64_t trips = 0;         // breaker trips while the fault was in (and until recovery)
  double time_open_s = -1;    // breaker open time in the same span; -1 when unknown
};

struct MetricProbeVerdict {
  bool evaluated = false;  // there was data in the window
  bool passed = false;
  std::string observed;    // "0.52%", "no data"
};

// Judges one threshold over `seconds` of recorded load, the way the run judges the plan's
// (core/run/thresholds.h): how metric probes are decided.
using MetricJudge = std::function<report::ThresholdResult(const plan::Threshold& t, const metrics::Recorder& window,
                                                          double seconds, const std::vector<std::string>& names)>;

class ChaosMetrics {
 public:
  ChaosMetrics(const plan::Plan& plan, const ObserverSet* observers, MetricJudge judge);

  // Main thread, once a second: `interval` covers [start_s, end_s) — a whole second, or the
  // part-second before the run's end — not the time it was collected (~25 ms later), which
  // would count the second before a fault into it. `names` are the interned names.
  void OnSecond(double start_s, double end_s, const metrics::Recorder& interval,
                const std::vector<std::string>& names);
  // Main thread, at the end: decides whatever recovery is still pending.
  void Finish(double end_s);

  // Chaos thread.
  void MarkInjected(size_t step, double t_s);
  void MarkReverted(size_t step, double t_s);
  // Whether the step's recovery is decided (recovered, unrecovered, or no baseline to judge).
  bool RecoveryDecided(size_t step) const;
  MetricProbeVerdict EvaluateMetric(const plan::Threshold& t, double window_s) const;

  // After Finish.
  StepMeasure Step(size_t step) const;
  // The breaker as the response rules saw it (seconds with circuit_event responses).
  chaos::CircuitTracker ResponseCircuit() const;
  bool saw_circuit_event() const;
  // Whether the breaker was open in the last second OnSecond saw: by the responses
  // (circuit_event) or a gauge observer. Main thread, for the snapshot.
  bool breaker_open() const;

 private:
  struct Second {
    double start_s = 0, end_s = 0;
    metrics::Recorder interval;
    bool breaker_open = false;
  };
  chaos::RecoveryConfig RecoveryCfg() const;

  const plan::Plan& plan_;
  MetricJudge judge_;
  const ObserverSet* observers_;
  mutable std::mutex mu_;
  std::deque<Second> history_;
  size_t history_max_ = 0;
  std::vector<StepMeasure> steps_;
  chaos::CircuitTracker response_circuit_;
  bool saw_circuit_event_ = false;
  bool breaker_open_ = false;       // in the last second
  std::vector<std::string> names_;  // latest interned names, for metric probes
};

}  // namespace sp::chaos
