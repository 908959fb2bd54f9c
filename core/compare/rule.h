// A comparison rule: how much worse one metric of the current run may be than the baseline's
// before `stressplan compare` calls it a regression. Written the same way in a plan's
// `compare:` list and in a --rule flag (docs/compare.md):
//
//   latency.p95 +10%                      the run's p95 may grow by 10% of the baseline's
//   latency.p99 +20ms request:shop/login  one request step's p99 may grow by 20 ms
//   error_rate +0.5pp                     the error rate may grow by half a percentage point
//   errors.http_5xx +0.1pp stage:1        the share of one error kind, in one stage
//   throughput_rps -5%                    throughput may fall by 5%
//   recovery_time +2s                     the slowest experiment's recovery may take 2 s longer
//   circuit.trips +0                      no more circuit-breaker trips than the baseline
//
// The sign says which way is worse and must be the metric's own: + for everything but
// throughput_rps, which only regresses by falling (-).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"

namespace sp::compare {

enum class Metric {
  kLatency,       // latency.STAT: from each request's intended start (summary.latency_ms)
  kServiceTime,   // service_time.STAT: from its actual start
  kErrorRate,     // error_rate: errors / requests
  kErrorKind,     // errors.KIND: requests failed with one kind / requests
  kThroughput,    // throughput_rps
  kRecoveryTime,  // recovery_time: the slowest chaos experiment's recovery (unrecovered: never)
  kCircuitTrips,  // circuit.trips: every source's trips
};

enum class Allowance {
  kRelative,  // +10%: a share of the baseline's value
  kPoints,    // +0.5pp: percentage points of a rate
  kSeconds,   // +2s, +20ms: a time
  kCount,     // +3: a plain number of the metric's own unit
};

enum class ScopeKind { kRun, kRequest, kStage, kWorkload };

struct Scope {
  ScopeKind kind = ScopeKind::kRun;
  std::string name;  // the request step (scenario/request), stage index or workload name
};

struct Rule {
  std::string text;  // as written, spaces trimmed
  Metric metric = Metric::kLatency;
  std::string stat;  // kLatency, kServiceTime: "p95", "p99.9", "mean", "max"; kErrorKind: the kind
  double percentile = 0;    // for a "pNN" stat
  bool worse_is_up = true;  // false for throughput_rps
  Allowance allowance = Allowance::kRelative;
  double amount = 0;  // >= 0, in the allowance's unit (seconds for kSeconds)
  Scope scope;
};

// Parses one rule. false with *err saying what is wrong and what would be right, e.g.
// `unknown metric "latncy.p95" (did you mean latency.p95?)`.
bool ParseRule(std::string_view text, Rule* out, std::string* err);

// Checks the plan's `compare:` rules, each error located at its rule (validate and run call it
// after loading the plan). false when one is wrong.
bool CheckPlanRules(const plan::Plan& plan, plan::Diagnostics* errors);

// The rules judged when neither --rule nor the plan's `compare:` gives any.
std::vector<std::string> DefaultRules();

// "latency.p95", "errors.http_5xx", "throughput_rps": the metric as a rule names it.
std::string MetricName(const Rule& r);
// "", "request shop/login", "stage 1", "workload checkout".
std::string ScopeText(const Scope& s);

}  // namespace sp::compare
