// What the run reports about its chaos (summary.experiments and summary.circuit in
// docs/report-schema.json): each experiment with its measures, and the circuit breaker as
// each source saw it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/chaos/circuit.h"
#include "core/run/chaos_metrics.h"
#include "core/run/chaos_runner.h"
#include "core/run/circuit_report.h"
#include "core/run/observer.h"

namespace sp::run {

struct ExperimentReport {
  ExperimentResult result;
  StepMeasure measure;
};

struct ChaosReport {
  std::vector<ExperimentReport> experiments;
  std::vector<CircuitReport> circuits;  // the first is the one thresholds judge (circuit.*)
  std::vector<std::string> proxies;     // "name: listen -> upstream"

  bool experiments_passed() const {
    for (const auto& e : experiments) {
      if (e.result.outcome == "skipped") continue;  // the load ended first: nothing was judged
      if (e.result.outcome != "completed" || e.result.deviated) return false;
    }
    return true;
  }
};

// Gathers the report once the chaos thread finished and the observers stopped.
ChaosReport ChaosReportOf(const plan::Plan& plan, const ChaosRunner& runner, const ChaosMetrics& metrics,
                          const ObserverSet& observers);

// The values of the run-end threshold metrics (ThresholdEvaluator::SetRunEndValues):
// recovery_time (ms; the slowest experiment's, +inf when one did not recover),
// circuit.trips and circuit.open_time (ms) from the first circuit source.
std::map<std::string, double> RunEndValues(const ChaosReport& report);

}  // namespace sp::run
