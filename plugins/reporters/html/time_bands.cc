#include "plugins/reporters/html/time_bands.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "plugins/reporters/html/html_text.h"

namespace sp::html {
namespace {

// Every stage as run (summary), else as planned (run_start), indexed by its `index`.
std::vector<Band> StageBands(const RunData& run) {
  const json& ran = Field(run.summary, "stages");
  const json& stages = ran.is_array() && !ran.empty() ? ran : Field(run.run_start, "stages");
  std::vector<Band> out;
  if (!stages.is_array()) return out;
  for (size_t i = 0; i < stages.size(); ++i) {
    const json& st = stages[i];
    const double start = NumberOr(st, "started_s", NumberOr(st, "start_s", kNaN));
    const double index = NumberOr(st, "index", static_cast<double>(i));
    std::string name = "stage " + Count(index);
    std::string title = name + " (" + Text(st, "model") + ")";
    if (!Text(st, "workload").empty()) title += ", workload " + Text(st, "workload");
    out.push_back({start, start + NumberOr(st, "duration_s", 0), std::move(name), std::move(title),
                   BandKind::kStage, static_cast<int>(index)});
  }
  return out;
}

// The experiments' windows from the summary; without a summary, the stretches of snapshots in
// which each step's fault was in.
std::vector<Band> ChaosBands(const RunData& run) {
  std::vector<Band> out;
  if (!run.summary.is_object()) {
    for (const ChaosSpan& c : run.chaos_spans) {
      out.push_back({c.start_s, c.end_s, c.name, "chaos: " + c.name + " (in during these seconds)",
                     BandKind::kChaos});
    }
    return out;
  }
  const json& experiments = Field(run.summary, "experiments");
  for (const json& e : experiments.is_array() ? experiments : json::array()) {
    const json& w = Field(e, "window");
    std::optional<double> start = Number(w, "start_s"), end = Number(w, "end_s");
    if (!start || !end) continue;
    out.push_back({*start, *end, Text(e, "name"),
                   "chaos: " + Text(e, "name") + " (" + Text(e, "outcome") + ")",
                   BandKind::kChaos});
  }
  return out;
}

// The span of the stages `indexes` lists (among `stages`, by their `index`): false when none
// of them is known.
bool StagesSpan(const json& indexes, const std::vector<Band>& stages, double* start, double* end) {
  bool any = false;
  for (const json& i : indexes.is_array() ? indexes : json::array()) {
    if (!i.is_number()) continue;
    const auto it = std::find_if(stages.begin(), stages.end(),
                                 [&](const Band& b) { return b.index == i.get<double>(); });
    if (it == stages.end() || !std::isfinite(it->start_s)) continue;
    *start = any ? std::min(*start, it->start_s) : it->start_s;
    *end = any ? std::max(*end, it->end_s) : it->end_s;
    any = true;
  }
  return any;
}

}  // namespace

std::vector<Band> WorkloadBands(const RunData& run, const std::vector<Band>& stage_bands) {
  const json& ran = Field(run.summary, "workloads");
  const json& workloads = ran.is_array() && !ran.empty() ? ran : Field(run.run_start, "workloads");
  std::vector<Band> out;
  for (const json& w : workloads.is_array() ? workloads : json::array()) {
    double start = NumberOr(w, "start_s", kNaN), end = start + NumberOr(w, "duration_s", kNaN);
    if (!StagesSpan(Field(w, "stages"), stage_bands, &start, &end) && !std::isfinite(end)) continue;
    const std::string name = Text(w, "name");
    out.push_back({start, end, name, "workload " + name + ": " + Clock(start) + " – " + Clock(end),
                   BandKind::kWorkload, static_cast<int>(out.size())});
  }
  AssignLanes(&out);
  return out;
}

void AssignLanes(std::vector<Band>* bands) {
  std::vector<size_t> order(bands->size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return (*bands)[a].start_s < (*bands)[b].start_s; });
  std::vector<double> lane_free_at;  // when each lane's last band ends
  for (size_t i : order) {
    Band& b = (*bands)[i];
    auto lane = std::find_if(lane_free_at.begin(), lane_free_at.end(),
                             [&](double t) { return t <= b.start_s; });
    if (lane == lane_free_at.end() && lane_free_at.size() < static_cast<size_t>(kMaxLanes)) {
      lane = lane_free_at.insert(lane_free_at.end(), b.start_s);
    } else if (lane == lane_free_at.end()) {
      lane = std::min_element(lane_free_at.begin(), lane_free_at.end());
    }
    b.lane = static_cast<int>(lane - lane_free_at.begin());
    *lane = std::max(*lane, b.end_s);
  }
}

bool AnyOverlap(const std::vector<Band>& bands) {
  for (size_t i = 0; i < bands.size(); ++i) {
    for (size_t k = i + 1; k < bands.size(); ++k) {
      // A millisecond's slack: a stage as run may start a rounding error before the last ended.
      const double overlap =
          std::min(bands[i].end_s, bands[k].end_s) - std::max(bands[i].start_s, bands[k].start_s);
      if (overlap > 1e-3) return true;
    }
  }
  return false;
}

std::vector<Band> TimeBands(const RunData& run) {
  const std::vector<Band> stages = StageBands(run);
  std::vector<Band> out;
  if (!AnyOverlap(stages)) out = stages;
  for (Band& b : WorkloadBands(run, stages)) out.push_back(std::move(b));
  for (Band& b : ChaosBands(run)) out.push_back(std::move(b));
  return out;
}

}  // namespace sp::html
