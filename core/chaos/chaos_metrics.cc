#include "core/chaos/chaos_metrics.h"

#include <algorithm>
#include <cmath>


namespace sp::chaos {
namespace {

double Seconds(plan::Duration d) { return static_cast<double>(d.count()) / 1e9; }

uint64_t EventCount(const metrics::Recorder& r, const std::vector<std::string>& names, const std::string& name) {
  for (size_t i = 0; i < names.size() && i < r.events().size(); ++i) {
    if (names[i] == name) return r.events()[i];
  }
  return 0;
}

double P95Ms(const metrics::Recorder& r) {
  return r.latency().count() ? static_cast<double>(r.latency().Percentile(95)) / 1e6 : 0.0;
}

// A second collected this late after its end still "ended before" a fault injected meanwhile:
// the run collects each whole second ~25 ms after it ended, and a step at a whole second is
// injected within a few ms of it.
constexpr double kCollectSlackS = 0.05;

// The baseline of a fault injected at `t_s`: the whole seconds that ended before it (within the
// collection slack) and overlap the `span_s` before it.
template <class History>
chaos::Baseline BaselineOf(const History& history, double t_s, double span_s) {
  metrics::Recorder before;
  for (const auto& s : history) {
    if (s.end_s > t_s - span_s && s.end_s <= t_s + kCollectSlackS) before.Merge(s.interval);
  }
  return chaos::BaselineFrom(before.requests(), before.errors(), P95Ms(before));
}

}  // namespace

ChaosMetrics::ChaosMetrics(const plan::Plan& plan, const ObserverSet* observers, MetricJudge judge)
    : plan_(plan), judge_(std::move(judge)), observers_(observers), response_circuit_(chaos::CircuitSignal::Gauge, 1.0) {
  double longest = Seconds(plan.chaos.recovery.baseline);
  for (const plan::Probe& p : plan.chaos.steady_state) longest = std::max(longest, Seconds(p.window));
  history_max_ = static_cast<size_t>(std::ceil(longest)) + 1;
  steps_.resize(plan.chaos.steps.size());
}

chaos::RecoveryConfig ChaosMetrics::RecoveryCfg() const {
  chaos::RecoveryConfig c;
  c.windows = plan_.chaos.recovery.windows;
  c.deadline_s = Seconds(plan_.chaos.recovery.deadline);
  c.error_rate_margin = plan_.chaos.recovery.error_rate_margin;
  c.latency_factor = plan_.chaos.recovery.latency_factor;
  return c;
}

void ChaosMetrics::OnSecond(double start_s, double end_s, const metrics::Recorder& interval,
                            const std::vector<std::string>& names) {
  std::lock_guard<std::mutex> lock(mu_);
  names_ = names;
  Second sec;
  sec.start_s = start_s;
  sec.end_s = end_s;
  const bool responses_open = EventCount(interval, names, plan_.chaos.circuit_event) > 0;
  saw_circuit_event_ = saw_circuit_event_ || responses_open;
  response_circuit_.OnSample(start_s, responses_open ? 1.0 : 0.0);  // open from the start of the second
  sec.breaker_open = responses_open || (observers_ != nullptr && observers_->OpenWithin(start_s, end_s));
  breaker_open_ = sec.breaker_open;

  if (history_max_ > 0) {
    sec.interval = interval;
    history_.push_back(sec);
    while (history_.size() > history_max_) history_.pop_front();
  }
  const double baseline_s = Seconds(plan_.chaos.recovery.baseline);
  for (StepMeasure& m : steps_) {
    if (m.inject_s < 0) continue;
    if (start_s < m.inject_s && end_s <= m.inject_s + kCollectSlackS) {
      // A second that ended before the fault but was collected after it went in (a step at a
      // whole second): the baseline was taken without it. Take it again, and restart a recovery
      // meter that has seen no window after the fault yet (a one-off fault reverted at once).
      m.baseline = BaselineOf(history_, m.inject_s, baseline_s);
      if (m.recovery) m.recovery.emplace(RecoveryCfg(), m.baseline, m.revert_s);
    }
    const bool overlaps = start_s < (m.revert_s < 0 ? end_s + 1 : m.revert_s) && end_s > m.inject_s;
    if (overlaps) {
      m.during.Merge(interval);
      m.during_s += end_s - start_s;
    }
    if (m.recovery && !m.recovery->done()) {
      chaos::WindowStats w;
      w.start_s = start_s;
      w.end_s = end_s;
      w.requests = interval.requests();
      w.errors = interval.errors();
      w.p95_ms = P95Ms(interval);
      w.breaker_open = sec.breaker_open;
      m.recovery->OnWindow(w);
    }
  }
}

void ChaosMetrics::Finish(double end_s) {
  std::lock_guard<std::mutex> lock(mu_);
  response_circuit_.Finish(end_s);
  for (StepMeasure& m : steps_) {
    if (m.recovery && !m.recovery->done()) m.recovery->Finish(end_s);
  }
}

void ChaosMetrics::MarkInjected(size_t step, double t_s) {
  std::lock_guard<std::mutex> lock(mu_);
  StepMeasure& m = steps_.at(step);
  m.inject_s = t_s;
  // The baseline: the whole seconds of the last `baseline` before the fault (completed by
  // OnSecond when the second just before the fault is collected after this).
  m.baseline = BaselineOf(history_, t_s, Seconds(plan_.chaos.recovery.baseline));
}

void ChaosMetrics::MarkReverted(size_t step, double t_s) {
  std::lock_guard<std::mutex> lock(mu_);
  StepMeasure& m = steps_.at(step);
  m.revert_s = t_s;
  m.recovery.emplace(RecoveryCfg(), m.baseline, t_s);
}

bool ChaosMetrics::RecoveryDecided(size_t step) const {
  std::lock_guard<std::mutex> lock(mu_);
  const StepMeasure& m = steps_.at(step);
  return m.recovery && m.recovery->done();
}

MetricProbeVerdict ChaosMetrics::EvaluateMetric(const plan::Threshold& t, double window_s) const {
  std::lock_guard<std::mutex> lock(mu_);
  MetricProbeVerdict v;
  metrics::Recorder window;
  size_t n = 0;
  for (auto it = history_.rbegin(); it != history_.rend() && n < static_cast<size_t>(std::ceil(window_s)); ++it, ++n) {
    window.Merge(it->interval);
  }
  if (n == 0) {
    v.observed = "no data";
    return v;
  }
  // One threshold judged over the window, by the same code that judges the plan's thresholds.
  report::ThresholdResult r = judge_(t, window, static_cast<double>(n), names_);
  v.evaluated = r.evaluated;
  v.passed = r.passed;
  v.observed = r.observed_text;
  return v;
}

StepMeasure ChaosMetrics::Step(size_t step) const {
  std::lock_guard<std::mutex> lock(mu_);
  StepMeasure m = steps_.at(step);
  if (m.inject_s >= 0) {
    // The breaker during the fault and until it recovered (or the deadline).
    double until = m.revert_s < 0 ? m.inject_s : m.revert_s;
    if (m.recovery) {
      const auto& r = m.recovery->result();
      until = r.state == chaos::RecoveryResult::State::Recovered ? r.recovered_at_s
                                                                  : until + Seconds(plan_.chaos.recovery.deadline);
    }
    if (observers_ != nullptr && !observers_->empty()) {
      m.trips = observers_->TripsWithin(m.inject_s, until);
      m.time_open_s = observers_->OpenTimeWithin(m.inject_s, until);
    } else if (saw_circuit_event_) {
      uint64_t trips = 0;
      for (const auto& iv : response_circuit_.intervals()) {
        // Response intervals start at whole seconds: one opening in the fault's first second
        // starts just before inject_s.
        if (iv.start_s + 1.0 > m.inject_s && iv.start_s < until) ++trips;
      }
      m.trips = trips;
      m.time_open_s = response_circuit_.OpenWithin(m.inject_s, until);
    }
  }
  return m;
}

chaos::CircuitTracker ChaosMetrics::ResponseCircuit() const {
  std::lock_guard<std::mutex> lock(mu_);
  return response_circuit_;
}

bool ChaosMetrics::saw_circuit_event() const {
  std::lock_guard<std::mutex> lock(mu_);
  return saw_circuit_event_;
}

bool ChaosMetrics::breaker_open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return breaker_open_;
}

}  // namespace sp::chaos
