#include "core/run/load_model.h"

#include <algorithm>

namespace sp::run {

LoadModel LoadModel::FromPlan(const plan::Plan& plan) {
  LoadModel m;
  for (const auto& s : plan.scenarios) {
    ScenarioModel sm;
    sm.name = s.name;
    m.total_weight += s.weight;
    sm.cumulative_weight = m.total_weight;
    sm.first_step = static_cast<uint32_t>(m.step_names.size());
    sm.step_count = static_cast<uint32_t>(s.requests.size());
    for (const auto& r : s.requests) {
      m.step_names.push_back(s.name + "/" + r.name);
      const plan::ThinkTime& t = r.think_time ? *r.think_time : s.think_time;
      m.step_think.push_back({static_cast<uint64_t>(t.min.count()), static_cast<uint64_t>(t.max.count())});
    }
    m.scenarios.push_back(sm);
  }
  return m;
}

uint32_t LoadModel::PickScenario(double u) const {
  double x = u * total_weight;
  auto it = std::upper_bound(scenarios.begin(), scenarios.end(), x,
                             [](double v, const ScenarioModel& s) { return v < s.cumulative_weight; });
  if (it == scenarios.end()) --it;
  return static_cast<uint32_t>(it - scenarios.begin());
}

}  // namespace sp::run
