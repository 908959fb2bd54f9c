#include "core/chaos/chaos_report.h"

#include <algorithm>
#include <limits>

namespace sp::chaos {
namespace {

report::RecoveryState StateOf(RecoveryResult::State s) {
  switch (s) {
    case RecoveryResult::State::Pending: return report::RecoveryState::kPending;
    case RecoveryResult::State::Recovered: return report::RecoveryState::kRecovered;
    case RecoveryResult::State::Unrecovered: return report::RecoveryState::kUnrecovered;
    case RecoveryResult::State::NoBaseline: return report::RecoveryState::kNoBaseline;
  }
  return report::RecoveryState::kPending;
}

}  // namespace

report::RecoveryReport RecoveryReportOf(const RecoveryResult& r) {
  return report::RecoveryReport{StateOf(r.state), r.recovery_time_s, r.reason, Describe(r)};
}

report::ExperimentMeasure MeasureReport(const StepMeasure& m) {
  report::ExperimentMeasure out;
  out.inject_s = m.inject_s;
  out.revert_s = m.revert_s;
  out.during = m.during;
  out.during_s = m.during_s;
  out.baseline = {m.baseline.valid, m.baseline.requests, m.baseline.error_rate, m.baseline.p95_ms};
  if (m.recovery) out.recovery = RecoveryReportOf(m.recovery->result());
  out.trips = m.trips;
  out.time_open_s = m.time_open_s;
  return out;
}

ChaosReport ChaosReportOf(const plan::Plan& plan, const ChaosRunner& runner, const ChaosMetrics& metrics,
                          const ObserverSet& observers) {
  ChaosReport out;
  std::vector<ExperimentResult> results = runner.Results();
  for (size_t i = 0; i < results.size(); ++i) out.experiments.push_back({results[i], MeasureReport(metrics.Step(i))});
  out.circuits = observers.Summaries();
  if (metrics.saw_circuit_event()) {
    chaos::CircuitTracker t = metrics.ResponseCircuit();
    CircuitReport c;
    c.source = "responses";
    c.signal = "events." + plan.chaos.circuit_event;
    c.trips = t.trips();
    c.time_open_s = t.time_open_s();
    c.intervals = OpenIntervals(t);
    out.circuits.push_back(std::move(c));
  }
  for (const plan::ProxySite& p : plan.proxies) {
    std::string text = p.name;
    if (const plan::Value* l = p.site.options.find("listen")) text += ": " + l->scalar;
    if (const plan::Value* u = p.site.options.find("upstream")) text += " -> " + u->scalar;
    out.proxies.push_back(text);
  }
  return out;
}

std::map<std::string, double> RunEndValues(const ChaosReport& chaos) {
  std::map<std::string, double> values;
  bool any = false;
  double worst = 0;
  for (const report::ExperimentReport& e : chaos.experiments) {
    if (!e.measure.recovery) continue;
    const report::RecoveryReport& r = *e.measure.recovery;
    if (r.state == report::RecoveryState::kRecovered) {
      worst = std::max(worst, r.time_s * 1000.0);
      any = true;
    } else if (r.state == report::RecoveryState::kUnrecovered) {
      worst = std::numeric_limits<double>::infinity();
      any = true;
    }
  }
  if (any) values["recovery_time"] = worst;
  if (!chaos.circuits.empty()) {
    const CircuitReport& c = chaos.circuits.front();
    values["circuit.trips"] = static_cast<double>(c.trips);
    if (c.time_open_s >= 0) values["circuit.open_time"] = c.time_open_s * 1000.0;
  } else {
    // No source saw the breaker open: no trips, never open.
    values["circuit.trips"] = 0;
    values["circuit.open_time"] = 0;
  }
  return values;
}

}  // namespace sp::chaos
