// Gathers what the run reports about its chaos (summary.experiments and summary.circuit in
// docs/report-schema.json) into the plain report structs (core/report/results.h): each
// experiment with its measures, and the circuit breaker as each source saw it.
#pragma once

#include <map>
#include <string>

#include "core/chaos/chaos_metrics.h"
#include "core/chaos/chaos_runner.h"
#include "core/chaos/observer.h"
#include "core/report/results.h"

namespace sp::chaos {

using report::ChaosReport;

// A recovery verdict as the reports carry it.
report::RecoveryReport RecoveryReportOf(const RecoveryResult& r);

// What the run measured around one fault, as the reports carry it.
report::ExperimentMeasure MeasureReport(const StepMeasure& m);

// Gathers the report once the chaos thread finished and the observers stopped.
ChaosReport ChaosReportOf(const plan::Plan& plan, const ChaosRunner& runner, const ChaosMetrics& metrics,
                          const ObserverSet& observers);

// The values of the run-end threshold metrics (ThresholdEvaluator::SetRunEndValues):
// recovery_time (ms; the slowest experiment's, +inf when one did not recover),
// circuit.trips and circuit.open_time (ms) from the first circuit source.
std::map<std::string, double> RunEndValues(const ChaosReport& chaos);

}  // namespace sp::chaos
