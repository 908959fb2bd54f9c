#include "core/merge/merged_run.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/exit_codes.h"
#include "core/plan/threshold.h"
#include "core/report/documents.h"
#include "core/report/results.h"
#include "core/run/load_model.h"
#include "core/run/thresholds.h"

namespace sp::merge {
namespace {

using nlohmann::json;

// One merged second: the segments' intervals summed, and their snapshots' gauges.
struct MergedSecond {
  metrics::Recorder interval;
  report::SnapshotData data;
  std::map<std::string, report::WorkloadSnapshot> workloads;
  bool seen = false;
};

// The request table and the workloads' stage ranges, from run_start: all that thresholds
// need of the load model.
run::LoadModel ModelOf(const json& run_start) {
  run::LoadModel m;
  for (const json& sc : run_start.at("scenarios")) {
    for (const json& r : sc.at("requests"))
      m.step_names.push_back(sc.at("name").get<std::string>() + "/" + r.get<std::string>());
  }
  if (!run_start.contains("workloads")) {
    run::WorkloadModel w;
    w.stage_count = static_cast<uint32_t>(run_start.at("stages").size());
    m.workloads.push_back(w);
    return m;
  }
  for (const json& wj : run_start.at("workloads")) {
    run::WorkloadModel w;
    w.name = wj.at("name").get<std::string>();
    const json& stages = wj.at("stages");
    w.first_stage = stages.empty() ? 0 : stages.front().get<uint32_t>();
    w.stage_count = static_cast<uint32_t>(stages.size());
    m.workloads.push_back(w);
  }
  return m;
}

void AddSnapshot(const json& s, bool first_segment, MergedSecond* m) {
  report::SnapshotData& d = m->data;
  if (!m->seen || first_segment) d.stage = s.at("stage").get<size_t>();
  d.planned_users += s.at("users").at("planned").get<int>();
  d.active_users += s.at("users").at("active").get<int>();
  d.planned_rate += s.value("planned_rate", 0.0);
  d.in_flight += s.at("in_flight").get<uint64_t>();
  if (first_segment) d.active_chaos = s.at("chaos").get<std::vector<std::string>>();
  // Open in the merged second when any segment saw it open: by its responses, or segment 0's
  // observer.
  d.circuit_open = d.circuit_open || s.value("circuit_open", false);
  for (const json& w : s.value("workloads", json::array())) {
    report::WorkloadSnapshot& to = m->workloads[w.at("name").get<std::string>()];
    to.name = w.at("name").get<std::string>();
    const std::string state = w.at("state").get<std::string>();
    to.started = to.started || state != "waiting";
    to.over = (to.over || !m->seen) && state == "over";
    to.stage = w.at("stage").get<size_t>();
    to.planned_users += w.at("users").at("planned").get<int>();
    to.active_users += w.at("users").at("active").get<int>();
    to.planned_rate += w.value("planned_rate", 0.0);
  }
  m->seen = true;
}

// Every segment's seconds on the common timeline (index k is the merged second k + 1).
std::vector<MergedSecond> AlignSeconds(const std::vector<SegmentReport>& reports,
                                       const std::vector<uint64_t>& offsets) {
  std::vector<MergedSecond> out;
  for (size_t i = 0; i < reports.size(); ++i) {
    for (const SegmentSecond& s : reports[i].seconds) {
      if (s.second == 0) continue;
      const uint64_t k = s.second + offsets[i] - 1;
      if (out.size() <= k) out.resize(k + 1);
      out[k].interval.Merge(s.interval);
      AddSnapshot(s.snapshot, i == 0, &out[k]);
    }
  }
  for (size_t k = 0; k < out.size(); ++k) {
    out[k].data.second = k + 1;
    out[k].data.elapsed_s = static_cast<double>(k + 1);
    for (auto& [name, w] : out[k].workloads) out[k].data.workloads.push_back(w);
  }
  return out;
}

// One stage as the segments ran it together: planned and achieved figures summed, the
// generator's busy shares the busiest segment's, each segment's problems named.
report::StageResult MergeStage(const std::vector<SegmentReport>& reports, size_t at,
                               const metrics::Recorder& total) {
  report::StageResult r;
  for (size_t i = 0; i < reports.size(); ++i) {
    const json& s = reports[i].summary.at("stages").at(at);
    const json& planned = s.at("planned");
    const json& achieved = s.at("achieved");
    r.index = s.at("index").get<size_t>();
    r.workload = s.value("workload", "");
    r.workload_stage = s.value("workload_stage", size_t{0});
    r.open = s.at("model") == "open";
    r.started_s = i == 0 ? s.at("started_s").get<double>() : r.started_s;
    r.duration_s = std::max(r.duration_s, s.at("duration_s").get<double>());
    r.planned_users += planned.value("users", 0);
    r.planned_rate += planned.value("rate", 0.0);
    r.planned_iterations += planned.value("iterations", uint64_t{0});
    r.users_min += achieved.value("users_min", 0);
    r.users_max += achieved.value("users_max", 0);
    r.achieved_rate += achieved.value("rate", 0.0);
    r.dropped += achieved.value("dropped", uint64_t{0});
    r.cpu_busy_avg =
        std::max(r.cpu_busy_avg, s.at("generator_cpu").at("load_threads_busy_avg").get<double>());
    r.cpu_busy_max =
        std::max(r.cpu_busy_max, s.at("generator_cpu").at("load_threads_busy_max").get<double>());
    for (const json& p : s.at("problems"))
      r.problems.push_back("segment " + std::to_string(reports[i].index) + ": " +
                           p.get<std::string>());
  }
  if (r.index < total.stages().size()) r.stats = total.stages()[r.index];
  return r;
}

std::vector<report::WorkloadResult> MergeWorkloads(const std::vector<SegmentReport>& reports,
                                                   const metrics::Recorder& total) {
  std::vector<report::WorkloadResult> out;
  const json& first = reports.front().summary;
  if (!first.contains("workloads")) return out;
  for (size_t w = 0; w < first.at("workloads").size(); ++w) {
    report::WorkloadResult r;
    for (const SegmentReport& seg : reports) {
      const json& wj = seg.summary.at("workloads").at(w);
      r.name = wj.at("name").get<std::string>();
      r.start_s = wj.at("start_s").get<double>();
      r.duration_s = std::max(r.duration_s, wj.at("duration_s").get<double>());
      r.stages = wj.at("stages").get<std::vector<size_t>>();
    }
    for (size_t k : r.stages) {
      if (k < total.stages().size()) r.stats.Merge(total.stages()[k]);
    }
    out.push_back(r);
  }
  return out;
}

// The metrics only known at a run's end (recovery_time, circuit.*) come from segment 0, which
// ran the chaos: the values its own verdicts observed.
std::map<std::string, double> RunEndValues(const json& summary0, const plan::Plan& plan) {
  std::map<std::string, double> out;
  const json& verdicts = summary0.at("thresholds");
  for (size_t i = 0; i < plan.thresholds.size() && i < verdicts.size(); ++i) {
    const std::string& metric = plan.thresholds[i].metric;
    if (!plan::IsRunEndMetric(metric)) continue;
    const json& observed = verdicts[i].at("observed");
    if (observed.is_number()) {
      out[metric] = observed.get<double>();
    } else if (verdicts[i].value("observed_text", "") == "unrecovered") {
      out[metric] = INFINITY;
    }
  }
  return out;
}

struct Totals {
  metrics::Recorder total;
  std::map<std::string, uint64_t> emitted;
  report::RunEnd end;
};

Totals SumSegments(const std::vector<SegmentReport>& reports,
                   const std::vector<uint64_t>& offsets) {
  Totals t;
  int worst = 0;  // completed < interrupted < aborted
  for (size_t i = 0; i < reports.size(); ++i) {
    const json& s = reports[i].summary;
    t.total.Merge(reports[i].total);
    for (const auto& [name, n] : s.at("emitted_events").items())
      t.emitted[name] += n.get<uint64_t>();
    t.end.duration_s = std::max(t.end.duration_s,
                                static_cast<double>(offsets[i]) + s.at("duration_s").get<double>());
    const std::string status = s.at("status").get<std::string>();
    const int rank = status == "aborted" ? 2 : status == "interrupted" ? 1 : 0;
    if (rank > worst) {
      worst = rank;
      t.end.status = rank == 2 ? report::RunStatus::kAborted : report::RunStatus::kInterrupted;
    }
    if (s.contains("status_reason"))
      t.end.reason += (t.end.reason.empty() ? "" : "; ") + std::string("segment ") +
                      std::to_string(reports[i].index) + ": " +
                      s.at("status_reason").get<std::string>();
    t.end.reporter_documents_dropped += s.at("reporter_documents_dropped").get<uint64_t>();
    t.end.process_cpu_s += s.at("generator_cpu_s").get<double>();
  }
  for (size_t k = 0; k < reports.front().summary.at("stages").size(); ++k)
    t.end.stages.push_back(MergeStage(reports, k, t.total));
  t.end.workloads = MergeWorkloads(reports, t.total);
  return t;
}

// The thresholds judged as a run judges them: second by second over the merged seconds
// (windows, abort_on_fail), then over the whole merged run.
std::vector<report::ThresholdResult> Judge(const plan::Plan& plan, const run::LoadModel& model,
                                           const std::vector<MergedSecond>& seconds,
                                           const Totals& t, const json& summary0,
                                           const std::vector<std::string>& names) {
  run::ThresholdEvaluator judge(plan.thresholds, model);
  metrics::Recorder so_far;
  for (const MergedSecond& s : seconds) {
    so_far.Merge(s.interval);
    judge.OnSecond(s.interval, so_far, s.data.elapsed_s, names, {});
  }
  judge.SetRunEndValues(RunEndValues(summary0, plan));
  std::vector<double> workload_seconds;
  for (const report::WorkloadResult& w : t.end.workloads) workload_seconds.push_back(w.duration_s);
  if (!workload_seconds.empty()) judge.SetWorkloadSeconds(workload_seconds);
  return judge.Final(t.total, t.end.duration_s, names, t.emitted);
}

// Segment 0's experiments, circuit and proxies, each experiment's `during` recomputed from
// the merged seconds its window overlaps.
void AddChaos(const json& summary0, uint64_t offset0, const std::vector<MergedSecond>& seconds,
              const std::vector<std::string>& names, json* summary) {
  json experiments = summary0.at("experiments");
  for (json& e : experiments) {
    if (!e.contains("window")) continue;
    const double start = e.at("window").at("start_s").get<double>() + static_cast<double>(offset0);
    const double end = e.at("window").at("end_s").get<double>() + static_cast<double>(offset0);
    metrics::Recorder during;
    double covered = 0;
    for (size_t k = 0; k < seconds.size(); ++k) {
      if (static_cast<double>(k + 1) <= start ||
          static_cast<double>(k) >= std::max(end, start + 1e-9))
        continue;
      during.Merge(seconds[k].interval);
      covered += 1;
    }
    e["during"] = json::parse(report::TrafficDocument(during, covered, names));
  }
  (*summary)["experiments"] = experiments;
  (*summary)["circuit"] = summary0.at("circuit");
  (*summary)["proxies"] = summary0.at("proxies");
  (*summary)["experiments_passed"] = summary0.at("experiments_passed");
}

std::vector<std::string> ShiftedEvents(const std::vector<SegmentReport>& reports,
                                       const std::vector<uint64_t>& offsets) {
  std::vector<json> all;
  for (size_t i = 0; i < reports.size(); ++i) {
    for (json e : reports[i].events) {
      e["elapsed_s"] = e.at("elapsed_s").get<double>() + static_cast<double>(offsets[i]);
      all.push_back(e);
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const json& a, const json& b) {
    return a.at("elapsed_s").get<double>() < b.at("elapsed_s").get<double>();
  });
  std::vector<std::string> out;
  for (const json& e : all) out.push_back(e.dump());
  return out;
}

// The table `run` follows (core/run/run.cc): interrupted, then failed, then untrustworthy.
int ExitCodeOf(const report::RunEnd& end, bool experiments_passed) {
  if (end.status == report::RunStatus::kInterrupted) return kExitInterrupted;
  if (!end.thresholds_passed() || !experiments_passed) return kExitFailed;
  if (!end.trustworthy()) return kExitUntrustworthy;
  return kExitPassed;
}

report::RunInfo InfoOf(const std::vector<SegmentReport>& reports, const plan::Plan& plan,
                       const run::LoadModel& model) {
  const json& run0 = reports.front().run;
  report::RunInfo info;
  info.plan = &plan;
  info.step_names = model.step_names;
  info.stage_count = run0.at("stages").size();
  info.planned_total_ns = static_cast<uint64_t>(run0.at("planned_duration_s").get<double>() * 1e9);
  plan::ParseRunMode(run0.at("mode").get<std::string>(), &info.mode);
  info.version = run0.at("stressplan_version").get<std::string>();
  info.started_at = run0.at("started_at").get<std::string>();
  uint64_t earliest = UINT64_MAX;
  for (const SegmentReport& r : reports) {
    info.threads += r.run.at("load_threads").get<int>();
    if (r.started_unix_ms < earliest) {
      earliest = r.started_unix_ms;
      info.started_at = r.run.at("started_at").get<std::string>();
    }
  }
  info.started_unix_ms = earliest;
  return info;
}

// Segment 0's run_start for the whole run: the earliest start, every segment's threads, no
// segment of its own.
std::string MergedRunStart(const report::RunInfo& info, const std::vector<SegmentReport>& reports) {
  json d = reports.front().run;
  d.erase("segment");
  d.erase("start");
  d["started_at"] = info.started_at;
  d["started_unix_ms"] = info.started_unix_ms;
  d["load_threads"] = info.threads;
  return d.dump();
}

json SegmentList(const std::vector<SegmentReport>& reports, const std::vector<uint64_t>& offsets) {
  json out = json::array();
  for (size_t i = 0; i < reports.size(); ++i) {
    out.push_back({{"index", reports[i].index},
                   {"file", reports[i].file},
                   {"started_unix_ms", reports[i].started_unix_ms},
                   {"offset_s", offsets[i]},
                   {"requests", reports[i].total.requests()}});
  }
  return out;
}

}  // namespace

std::vector<uint64_t> SecondOffsets(const std::vector<SegmentReport>& reports) {
  uint64_t earliest = UINT64_MAX;
  for (const SegmentReport& r : reports) earliest = std::min(earliest, r.started_unix_ms);
  std::vector<uint64_t> out;
  for (const SegmentReport& r : reports) out.push_back((r.started_unix_ms - earliest + 500) / 1000);
  return out;
}

MergedDocuments MergeSegments(const std::vector<SegmentReport>& reports,
                              const std::vector<std::string>& names, const plan::Plan& plan) {
  const std::vector<uint64_t> offsets = SecondOffsets(reports);
  const run::LoadModel model = ModelOf(reports.front().run);
  const std::vector<MergedSecond> seconds = AlignSeconds(reports, offsets);
  Totals t = SumSegments(reports, offsets);
  const json& summary0 = reports.front().summary;
  t.end.thresholds = Judge(plan, model, seconds, t, summary0, names);
  const report::RunInfo info = InfoOf(reports, plan, model);

  MergedDocuments out;
  out.run_start = MergedRunStart(info, reports);
  for (const MergedSecond& s : seconds)
    out.snapshots.push_back(report::SnapshotDocument(s.data, s.interval, names, model.step_names));
  out.events = ShiftedEvents(reports, offsets);
  json summary = json::parse(report::SummaryDocument(info, t.end, t.total, names, t.emitted));
  AddChaos(summary0, offsets.front(), seconds, names, &summary);
  summary["segments"] = SegmentList(reports, offsets);
  out.summary = summary.dump();
  out.exit_code = ExitCodeOf(t.end, summary0.at("experiments_passed").get<bool>());
  return out;
}

}  // namespace sp::merge
