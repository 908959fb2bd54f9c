// The plan's scenarios flattened for the load threads: one request table (every step of every
// scenario, in order), per scenario its steps' range and think time, and per workload of the
// selected profile the scenarios it picks from, by weight.
// Built once, read-only afterwards, shared by all load threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/plan/plan.h"

namespace sp::run {

struct ScenarioModel {
  std::string name;
  uint32_t first_step = 0;       // index into the request table
  uint32_t step_count = 0;
};

// Think time after one step: the request's own `think_time`, else its scenario's.
struct StepThink {
  uint64_t min_ns = 0;
  uint64_t max_ns = 0;
};

// One workload of the selected profile (a `stages:` profile is one, named ""): the scenarios
// it picks from by weight, and where its stages and user slots sit among the run's, so that
// all workloads share one Recorder's stage table and the target sees unique vu ids.
struct WorkloadModel {
  std::string name;
  std::vector<uint32_t> scenarios;        // indexes into LoadModel::scenarios
  std::vector<double> cumulative_weight;  // sum of weights up to and including each
  uint32_t first_stage = 0;               // its stage k is the run's stage first_stage + k
  uint32_t stage_count = 0;
  uint32_t first_vu = 0;  // its user slot n is the vu id first_vu + n

  // Picks a scenario (an index into LoadModel::scenarios) for a draw u uniform in [0, 1).
  uint32_t PickScenario(double u) const;
};

struct LoadModel {
  std::vector<ScenarioModel> scenarios;
  std::vector<std::string> step_names;  // "scenario/request", by request-table index
  std::vector<StepThink> step_think;    // by request-table index
  std::vector<WorkloadModel> workloads;  // of the selected profile, in its order

  static LoadModel FromPlan(const plan::Plan& plan);
  // The workload named `name`, or -1.
  int WorkloadIndex(const std::string& name) const;
};

}  // namespace sp::run
