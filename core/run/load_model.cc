#include "core/run/load_model.h"

#include <algorithm>

#include "core/plan/profiles.h"

namespace sp::run {
namespace {

// A workload's scenarios with their weights: its own mix, or every scenario with its weight.
WorkloadModel MixOf(const plan::Plan& plan, const plan::Workload& w) {
  WorkloadModel m;
  m.name = w.name;
  double total = 0;
  for (uint32_t i = 0; i < plan.scenarios.size(); ++i) {
    const plan::Scenario& s = plan.scenarios[i];
    double weight = w.mix.empty() ? s.weight : 0.0;
    for (const auto& [name, mixed] : w.mix) {
      if (name == s.name) weight = mixed;
    }
    if (weight <= 0) continue;
    total += weight;
    m.scenarios.push_back(i);
    m.cumulative_weight.push_back(total);
  }
  return m;
}

}  // namespace

LoadModel LoadModel::FromPlan(const plan::Plan& plan) {
  LoadModel m;
  for (const auto& s : plan.scenarios) {
    ScenarioModel sm;
    sm.name = s.name;
    sm.first_step = static_cast<uint32_t>(m.step_names.size());
    sm.step_count = static_cast<uint32_t>(s.requests.size());
    for (const auto& r : s.requests) {
      m.step_names.push_back(s.name + "/" + r.name);
      const plan::ThinkTime& t = r.think_time ? *r.think_time : s.think_time;
      m.step_think.push_back({static_cast<uint64_t>(t.min.count()), static_cast<uint64_t>(t.max.count())});
    }
    m.scenarios.push_back(sm);
  }
  uint32_t stages = 0;
  uint32_t vus = 0;
  for (const plan::Workload& w : plan::WorkloadsOf(plan.profiles.at(plan.profile))) {
    WorkloadModel wm = MixOf(plan, w);
    wm.first_stage = stages;
    wm.stage_count = static_cast<uint32_t>(w.stages.size());
    wm.first_vu = vus;
    stages += wm.stage_count;
    vus += static_cast<uint32_t>(plan::MaxSlots(w.stages));
    m.workloads.push_back(std::move(wm));
  }
  return m;
}

int LoadModel::WorkloadIndex(const std::string& name) const {
  for (size_t i = 0; i < workloads.size(); ++i) {
    if (workloads[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

uint32_t WorkloadModel::PickScenario(double u) const {
  const double x = u * cumulative_weight.back();
  auto it = std::upper_bound(cumulative_weight.begin(), cumulative_weight.end(), x);
  if (it == cumulative_weight.end()) --it;
  return scenarios[static_cast<size_t>(it - cumulative_weight.begin())];
}

}  // namespace sp::run
