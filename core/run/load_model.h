// The plan's scenarios flattened for the load threads: one request table (every step of every
// scenario, in order) and, per scenario, its weight, its steps' range and its think time.
// Built once, read-only afterwards, shared by all load threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/plan/plan.h"

namespace sp::run {

struct ScenarioModel {
  std::string name;
  double cumulative_weight = 0;  // sum of weights up to and including this scenario
  uint32_t first_step = 0;       // index into the request table
  uint32_t step_count = 0;
};

// Think time after one step: the request's own `think_time`, else its scenario's.
struct StepThink {
  uint64_t min_ns = 0;
  uint64_t max_ns = 0;
};

struct LoadModel {
  std::vector<ScenarioModel> scenarios;
  std::vector<std::string> step_names;  // "scenario/request", by request-table index
  std::vector<StepThink> step_think;    // by request-table index
  double total_weight = 0;

  static LoadModel FromPlan(const plan::Plan& plan);
  // Picks a scenario for a draw u uniform in [0, 1).
  uint32_t PickScenario(double u) const;
};

}  // namespace sp::run
