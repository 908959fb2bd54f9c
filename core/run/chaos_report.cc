#include "core/run/chaos_report.h"

#include <algorithm>
#include <limits>

namespace sp::run {

ChaosReport ChaosReportOf(const plan::Plan& plan, const ChaosRunner& runner, const ChaosMetrics& metrics,
                          const ObserverSet& observers) {
  ChaosReport report;
  std::vector<ExperimentResult> results = runner.Results();
  for (size_t i = 0; i < results.size(); ++i) report.experiments.push_back({results[i], metrics.Step(i)});
  report.circuits = observers.Summaries();
  if (metrics.saw_circuit_event()) {
    chaos::CircuitTracker t = metrics.ResponseCircuit();
    CircuitReport c;
    c.source = "responses";
    c.signal = "events." + plan.chaos.circuit_event;
    c.trips = t.trips();
    c.time_open_s = t.time_open_s();
    c.intervals = t.intervals();
    report.circuits.push_back(std::move(c));
  }
  for (const plan::ProxySite& p : plan.proxies) {
    std::string text = p.name;
    if (const plan::Value* l = p.site.options.find("listen")) text += ": " + l->scalar;
    if (const plan::Value* u = p.site.options.find("upstream")) text += " -> " + u->scalar;
    report.proxies.push_back(text);
  }
  return report;
}

std::map<std::string, double> RunEndValues(const ChaosReport& report) {
  std::map<std::string, double> values;
  bool any = false;
  double worst = 0;
  for (const ExperimentReport& e : report.experiments) {
    if (!e.measure.recovery) continue;
    const chaos::RecoveryResult& r = e.measure.recovery->result();
    if (r.state == chaos::RecoveryResult::State::Recovered) {
      worst = std::max(worst, r.recovery_time_s * 1000.0);
      any = true;
    } else if (r.state == chaos::RecoveryResult::State::Unrecovered) {
      worst = std::numeric_limits<double>::infinity();
      any = true;
    }
  }
  if (any) values["recovery_time"] = worst;
  if (!report.circuits.empty()) {
    const CircuitReport& c = report.circuits.front();
    values["circuit.trips"] = static_cast<double>(c.trips);
    if (c.time_open_s >= 0) values["circuit.open_time"] = c.time_open_s * 1000.0;
  } else {
    // No source saw the breaker open: no trips, never open.
    values["circuit.trips"] = 0;
    values["circuit.open_time"] = 0;
  }
  return values;
}

}  // namespace sp::run
