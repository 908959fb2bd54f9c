#include "core/report/documents.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "core/plan/json_value.h"
#include "core/plan/profiles.h"
#include "core/report/plan_record.h"
#include "core/report/recorder_json.h"
#include "core/report/redact.h"

namespace sp::report {
namespace {

using nlohmann::json;

// Text from servers (probe answers, error messages) may not be valid UTF-8: replaced, never
// thrown, so a report is always written.
std::string Dump(const json& d) { return d.dump(-1, ' ', false, json::error_handler_t::replace); }

json Latency(const metrics::Histogram& h) {
  return json{{"min", Ms(h.min())},          {"mean", std::round(h.mean() / 1e3) / 1e3},
              {"p50", Ms(h.Percentile(50))}, {"p90", Ms(h.Percentile(90))},
              {"p95", Ms(h.Percentile(95))}, {"p99", Ms(h.Percentile(99))},
              {"max", Ms(h.max())}};
}

json ErrorsByType(const metrics::Recorder& r) {
  json out = json::object();
  for (int k = 1; k < metrics::kErrorKinds; ++k) {
    if (r.errors_by_kind()[k]) out[metrics::ErrorKindName(k)] = r.errors_by_kind()[k];
  }
  return out;
}

json StatusCodes(const metrics::Recorder& r) {
  json out = json::object();
  for (size_t s = 0; s < r.status_codes().size(); ++s) {
    if (r.status_codes()[s]) out[std::to_string(s)] = r.status_codes()[s];
  }
  return out;
}

// A histogram, sparse and lossless: [[bucket, count], ...] in the hdr-log-linear-7 encoding
// (histogram.h), so a reader can merge it or derive other buckets from it.
json HistogramDocument(const metrics::Histogram& h) {
  json buckets = json::array();
  for (const auto& [b, n] : h.Buckets()) buckets.push_back({b, n});
  return {{"unit", "ns"}, {"encoding", "hdr-log-linear-7"}, {"buckets", buckets}};
}

// Requests and errors per request step, for the steps that had any.
json StepCounts(const metrics::Recorder& r, const std::vector<std::string>& step_names) {
  json out = json::array();
  for (size_t i = 0; i < r.steps().size() && i < step_names.size(); ++i) {
    const metrics::StepStats& st = r.steps()[i];
    if (st.requests == 0 && st.errors == 0) continue;
    out.push_back({{"name", step_names[i]}, {"requests", st.requests}, {"errors", st.errors}});
  }
  return out;
}

json NamedCounts(const std::vector<uint64_t>& counts, const std::vector<std::string>& names) {
  json out = json::object();
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] && i < names.size()) out[names[i]] = counts[i];
  }
  return out;
}

json Header(const char* type) { return json{{"type", type}, {"schema_version", kReportSchemaVersion}}; }

double Rate(uint64_t n, uint64_t d) { return d ? static_cast<double>(n) / static_cast<double>(d) : 0.0; }

}  // namespace

double Ms(uint64_t ns) { return std::round(static_cast<double>(ns) / 1e3) / 1e3; }

namespace {

// One planned stage of run_start; `index` among the run's stages.
json PlannedStage(const plan::Stage& s, size_t index, uint64_t start_ns) {
  json st{{"index", index},
          {"model", s.open() ? "open" : "closed"},
          {"start_s", start_ns / 1e9},
          {"duration_s", static_cast<double>(s.duration.count()) / 1e9}};
  if (s.open()) {
    st["rate"] = *s.rate;
    if (s.ramp_to) st["ramp_to"] = *s.ramp_to;
    st["max_concurrency"] = s.max_concurrency;
  } else {
    st["users"] = s.users;
    if (s.spawn_rate) st["spawn_rate"] = *s.spawn_rate;
    if (s.iterations) st["iterations"] = s.iterations;
  }
  return st;
}

// The planned stages of every workload, numbered one after the other in the profile's order
// (a stage of a named workload says which, and its index within it), and (a profile with
// `workloads:`) each workload's plan.
void AddPlannedLoad(const plan::Plan& p, json* d) {
  json stages = json::array();
  json workloads = json::array();
  for (const plan::Workload& w : plan::WorkloadsOf(p.profiles.at(p.profile))) {
    json indexes = json::array();
    uint64_t offset = static_cast<uint64_t>(w.start.count());
    for (size_t i = 0; i < w.stages.size(); ++i) {
      json st = PlannedStage(w.stages[i], stages.size(), offset);
      offset += static_cast<uint64_t>(w.stages[i].duration.count());
      if (!w.name.empty()) {
        st["workload"] = w.name;
        st["workload_stage"] = i;
      }
      indexes.push_back(stages.size());
      stages.push_back(st);
    }
    if (w.name.empty()) continue;
    json mix = json::object();
    for (const auto& [name, weight] : w.mix) mix[name] = weight;
    if (w.mix.empty()) {
      for (const auto& sc : p.scenarios) mix[sc.name] = sc.weight;
    }
    workloads.push_back({{"name", w.name},
                         {"start_s", static_cast<double>(w.start.count()) / 1e9},
                         {"scenarios", mix},
                         {"stages", indexes}});
  }
  (*d)["stages"] = stages;
  if (!workloads.empty()) (*d)["workloads"] = workloads;
}

// What `stressplan merge` needs of the plan, and the plan's identity: run_start's description
// of the resolved plan without what differs between the segments of one run (when, which
// version, how many threads, the file's path) plus the thresholds and reporters.
void AddMergePlan(const plan::Plan& p, json* d) {
  json record = PlanRecord(p);
  json resolved = *d;
  for (const char* volatile_member :
       {"started_at", "stressplan_version", "load_threads", "segment", "start"})
    resolved.erase(volatile_member);
  resolved["plan"].erase("file");
  resolved["thresholds"] = record["thresholds"];
  resolved["reporters"] = record["reporters"];
  (*d)["plan_id"] = PlanIdentity(resolved);
  (*d)["merge_plan"] = record;
}

}  // namespace

std::string RunStartDocument(const RunInfo& info) {
  const plan::Plan& p = *info.plan;
  json scenarios = json::array();
  for (const auto& s : p.scenarios) {
    json reqs = json::array();
    for (const auto& r : s.requests) reqs.push_back(r.name);
    scenarios.push_back({{"name", s.name}, {"weight", s.weight}, {"requests", reqs}});
  }
  json d = Header("run_start");
  d["plan"] = {{"name", p.name}, {"file", p.file}, {"environment", p.environment},
               {"profile", p.profile}, {"description", p.description}};
  d["mode"] = plan::RunModeName(info.mode);
  d["started_at"] = info.started_at;
  d["stressplan_version"] = info.version;
  d["load_threads"] = info.threads;
  AddPlannedLoad(p, &d);
  d["scenarios"] = scenarios;
  d["planned_duration_s"] = info.planned_total_ns / 1e9;
  // The configuration the run used, for whoever reads the report later; credential-like
  // header values are replaced here, secret variables by the bus (redact.h).
  auto config = [](const plan::Value& v) {
    return json::parse(RedactHeadersInJson(plan::ToJsonText(v)), nullptr, false);
  };
  json requests = json::object();
  for (const auto& s : p.scenarios) {
    for (const auto& r : s.requests) requests[s.name + "/" + r.name] = config(r.spec);
  }
  d["target"] = {{"plugin", p.target.plugin}, {"options", config(p.target.options)}, {"requests", requests}};
  if (!p.compare.empty()) {  // the plan's rules for `stressplan compare`
    json rules = json::array();
    for (const auto& r : p.compare) rules.push_back(r.text);
    d["compare"] = rules;
  }
  AddMergePlan(p, &d);
  d["started_unix_ms"] = info.started_unix_ms;
  return Dump(d);
}

std::string SnapshotDocument(const SnapshotData& s, const metrics::Recorder& r,
                             const std::vector<std::string>& names,
                             const std::vector<std::string>& step_names) {
  json d = Header("snapshot");
  d["second"] = s.second;
  d["elapsed_s"] = s.elapsed_s;
  d["stage"] = s.stage;
  d["users"] = {{"planned", s.planned_users}, {"active", s.active_users}};
  if (s.planned_rate > 0) d["planned_rate"] = s.planned_rate;
  uint64_t started = 0, dropped = 0;
  for (const auto& st : r.stages()) {
    started += st.iterations_started;
    dropped += st.dropped;
  }
  d["iterations_started"] = started;
  d["dropped"] = dropped;
  d["in_flight"] = s.in_flight;
  d["requests"] = r.requests();
  d["errors"] = r.errors();
  d["latency_ms"] = Latency(r.latency());
  d["service_time_ms"] = Latency(r.service_time());
  d["latency_histogram"] = HistogramDocument(r.latency());
  d["service_time_histogram"] = HistogramDocument(r.service_time());
  d["requests_by_name"] = StepCounts(r, step_names);
  d["errors_by_type"] = ErrorsByType(r);
  d["status_codes"] = StatusCodes(r);
  d["events"] = NamedCounts(r.events(), names);
  d["chaos"] = s.active_chaos;
  d["recorder"] = RecorderToJson(r, names);
  d["circuit_open"] = s.circuit_open;
  if (!s.workloads.empty()) {
    json workloads = json::array();
    for (const WorkloadSnapshot& w : s.workloads) {
      json entry{{"name", w.name},
                 {"state", !w.started ? "waiting"
                           : w.over   ? "over"
                                      : "running"},
                 {"stage", w.stage},
                 {"users", {{"planned", w.planned_users}, {"active", w.active_users}}}};
      if (w.planned_rate > 0) entry["planned_rate"] = w.planned_rate;
      workloads.push_back(entry);
    }
    d["workloads"] = workloads;
  }
  return Dump(d);
}

namespace {

json Breakdown(const metrics::Recorder& r, double seconds, const std::vector<std::string>& names) {
  return {{"requests", r.requests()},
          {"errors", r.errors()},
          {"error_rate", Rate(r.errors(), r.requests())},
          {"throughput_rps", seconds > 0 ? static_cast<double>(r.requests()) / seconds : 0.0},
          {"latency_ms", Latency(r.latency())},
          {"errors_by_type", ErrorsByType(r)},
          {"status_codes", StatusCodes(r)},
          {"events", NamedCounts(r.events(), names)}};
}

json Probes(const std::vector<ProbeOutcome>& probes) {
  json out = json::array();
  for (const auto& p : probes) {
    json e{{"name", p.name}, {"ok", p.ok}, {"observed", p.observed}};
    if (!p.message.empty()) e["message"] = p.message;
    out.push_back(e);
  }
  return out;
}

json Intervals(const std::vector<OpenInterval>& list) {
  json out = json::array();
  for (const auto& iv : list) out.push_back({{"start_s", iv.start_s}, {"end_s", iv.end_s < 0 ? json(nullptr) : json(iv.end_s)}});
  return out;
}

void AddChaos(const ChaosReport& chaos, const std::vector<std::string>& names, json* d) {
  json experiments = json::array();
  for (const ExperimentReport& x : chaos.experiments) {
    const ExperimentResult& e = x.result;
    const ExperimentMeasure& m = x.measure;
    json entry{{"name", e.name}, {"fault", e.fault}, {"outcome", OutcomeName(e.outcome)}, {"deviated", e.deviated},
               {"message", e.message}, {"planned", {{"at_s", e.planned_at_s}, {"duration_s", e.planned_duration_s}}},
               {"injected", e.injected}, {"reverted", e.reverted},
               {"steady_state", {{"before", Probes(e.before)}, {"after", Probes(e.after)}}}};
    if (e.start_s >= 0) {
      entry["window"] = {{"start_s", e.start_s}, {"end_s", e.end_s >= 0 ? e.end_s : e.start_s}};
      entry["during"] = Breakdown(m.during, m.during_s, names);
      entry["baseline"] = {{"valid", m.baseline.valid}, {"requests", m.baseline.requests},
                           {"error_rate", m.baseline.error_rate}, {"latency_p95_ms", m.baseline.p95_ms}};
      entry["circuit"] = {{"trips", m.trips}, {"time_open_s", m.time_open_s < 0 ? json(nullptr) : json(m.time_open_s)}};
    }
    if (m.recovery) {
      const RecoveryReport& r = *m.recovery;
      entry["recovery"] = {{"state", RecoveryStateName(r.state)},
                           {"time_s", r.state == RecoveryState::kRecovered ? json(r.time_s) : json(nullptr)},
                           {"text", r.text}};
      if (!r.reason.empty()) entry["recovery"]["reason"] = r.reason;
    }
    experiments.push_back(entry);
  }
  (*d)["experiments"] = experiments;
  json circuits = json::array();
  for (const CircuitReport& c : chaos.circuits) {
    json entry{{"source", c.source}, {"signal", c.signal}, {"type", c.counter ? "counter" : "gauge"},
               {"trips", c.trips}, {"time_open_s", c.time_open_s < 0 ? json(nullptr) : json(c.time_open_s)},
               {"open_intervals", Intervals(c.intervals)}};
    if (c.polls) {
      entry["polls"] = c.polls;
      entry["failed_polls"] = c.failed_polls;
      if (!c.last_error.empty()) entry["last_error"] = c.last_error;
    }
    circuits.push_back(entry);
  }
  (*d)["circuit"] = circuits;
  (*d)["proxies"] = chaos.proxies;
}

// The summary's parts, one function a part.

// RFC 3339 UTC with milliseconds: 2026-01-02T03:04:05.250Z.
std::string Rfc3339Ms(double unix_s) {
  const double whole = std::floor(unix_s);
  int ms = static_cast<int>(std::lround((unix_s - whole) * 1000.0));
  std::time_t t = static_cast<std::time_t>(whole);
  if (ms == 1000) {
    ms = 0;
    ++t;
  }
  std::tm tm{};
  gmtime_r(&t, &tm);
  // Room for any int in each field (what the compiler checks), though years stay 4 digits.
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

// The segment this generator ran and when its load began (docs/distributed.md): what
// `stressplan merge` reads to put the segments' reports together.
void AddSegmentStart(const SegmentStart& s, json* d) {
  (*d)["segment"] = {{"index", s.index}, {"count", s.count}};
  json start = {{"actual", Rfc3339Ms(s.actual_unix_s)}};
  if (s.requested_unix_s) {
    start["requested"] = Rfc3339Ms(*s.requested_unix_s);
    start["skew_ms"] = std::round((s.actual_unix_s - *s.requested_unix_s) * 1e6) / 1e3;
  }
  (*d)["start"] = start;
}

// Which plan ran, how, and how it ended.
void AddRunOutline(const RunInfo& info, const RunEnd& end, json* d) {
  const plan::Plan& p = *info.plan;
  (*d)["plan"] = {
      {"name", p.name}, {"file", p.file}, {"environment", p.environment}, {"profile", p.profile}};
  (*d)["mode"] = plan::RunModeName(info.mode);
  (*d)["started_at"] = info.started_at;
  (*d)["stressplan_version"] = info.version;
  (*d)["status"] = RunStatusName(end.status);
  if (!end.reason.empty()) (*d)["status_reason"] = end.reason;
  (*d)["duration_s"] = end.duration_s;
  AddSegmentStart(info.segment_start, d);
}

// The whole run's counts, latencies, errors, status codes, events and failed checks.
void AddTotals(const metrics::Recorder& t, const RunEnd& end, const std::vector<std::string>& names,
               const std::map<std::string, uint64_t>& emitted_events, json* d) {
  (*d)["requests"] = t.requests();
  (*d)["ok"] = t.requests() - t.errors();
  (*d)["errors"] = t.errors();
  (*d)["interrupted"] = t.errors_by_kind()[SP_E_INTERRUPTED];
  (*d)["error_rate"] = Rate(t.errors(), t.requests());
  (*d)["throughput_rps"] =
      end.duration_s > 0 ? static_cast<double>(t.requests()) / end.duration_s : 0.0;
  (*d)["bytes_sent"] = t.bytes_sent();
  (*d)["bytes_received"] = t.bytes_received();
  (*d)["latency_ms"] = Latency(t.latency());
  (*d)["service_time_ms"] = Latency(t.service_time());
  (*d)["errors_by_type"] = ErrorsByType(t);
  (*d)["status_codes"] = StatusCodes(t);
  json events = NamedCounts(t.events(), names);
  for (const auto& [name, n] : emitted_events) events[name] = events.value(name, uint64_t{0}) + n;
  (*d)["events"] = events;
  (*d)["failed_checks"] = NamedCounts(t.failed_checks(), names);
}

json RequestsByName(const RunInfo& info, const metrics::Recorder& t) {
  json steps = json::array();
  for (size_t i = 0; i < info.step_names.size(); ++i) {
    metrics::StepStats s = i < t.steps().size() ? t.steps()[i] : metrics::StepStats{};
    steps.push_back({{"name", info.step_names[i]},
                     {"requests", s.requests},
                     {"redirects", s.redirects},
                     {"errors", s.errors},
                     {"error_rate", Rate(s.errors, s.requests)},
                     {"latency_ms", Latency(s.latency)}});
  }
  return steps;
}

json StageDocument(const StageResult& r) {
  json st{{"index", r.index},
          {"model", r.open ? "open" : "closed"},
          {"started_s", r.started_s},
          {"duration_s", r.duration_s},
          {"requests", r.stats.requests},
          {"errors", r.stats.errors},
          {"error_rate", Rate(r.stats.errors, r.stats.requests)},
          {"latency_ms", Latency(r.stats.latency)},
          {"iterations_started", r.stats.iterations_started},
          {"iterations_completed", r.stats.iterations_completed},
          {"generator_cpu",
           {{"load_threads_busy_avg", r.cpu_busy_avg}, {"load_threads_busy_max", r.cpu_busy_max}}},
          {"trustworthy", r.problems.empty()},
          {"problems", r.problems}};
  if (!r.workload.empty()) {
    st["workload"] = r.workload;
    st["workload_stage"] = r.workload_stage;
  }
  if (r.open) {
    st["planned"] = {{"rate", r.planned_rate}, {"iterations", r.planned_iterations}};
    st["achieved"] = {{"rate", r.achieved_rate},
                      {"iterations", r.stats.iterations_started},
                      {"dropped", r.dropped}};
  } else {
    st["planned"] = {{"users", r.planned_users}};
    if (r.planned_iterations) st["planned"]["iterations"] = r.planned_iterations;
    st["achieved"] = {{"users_min", r.users_min},
                      {"users_max", r.users_max},
                      {"iterations", r.stats.iterations_completed}};
  }
  return st;
}

// Each stage, and what the stages say together: iterations dropped, whether to trust the run.
void AddStages(const RunEnd& end, json* d) {
  json stages = json::array();
  uint64_t dropped = 0;
  json reasons = json::array();
  for (const StageResult& r : end.stages) {
    dropped += r.dropped;
    for (const auto& problem : r.problems) reasons.push_back(problem);
    stages.push_back(StageDocument(r));
  }
  (*d)["stages"] = stages;
  (*d)["dropped_iterations"] = dropped;
  (*d)["trustworthy"] = end.trustworthy();
  (*d)["untrustworthy_reasons"] = reasons;
}

// What each workload of a profile with `workloads:` did: its stages' requests, errors,
// latency, rate and iterations together.
void AddWorkloads(const RunEnd& end, json* d) {
  if (end.workloads.empty()) return;
  json workloads = json::array();
  for (const WorkloadResult& w : end.workloads) {
    const metrics::StageStats& st = w.stats;
    workloads.push_back({{"name", w.name},
                         {"start_s", w.start_s},
                         {"duration_s", w.duration_s},
                         {"stages", w.stages},
                         {"requests", st.requests},
                         {"errors", st.errors},
                         {"error_rate", Rate(st.errors, st.requests)},
                         {"throughput_rps",
                          w.duration_s > 0 ? static_cast<double>(st.requests) / w.duration_s : 0.0},
                         {"latency_ms", Latency(st.latency)},
                         {"iterations_started", st.iterations_started},
                         {"iterations_completed", st.iterations_completed},
                         {"dropped", st.dropped}});
  }
  (*d)["workloads"] = workloads;
}

json ThresholdDocument(const ThresholdResult& r) {
  const plan::Threshold& th = *r.threshold;
  static const char* const kOps[] = {"<", "<=", ">", ">=", "==", "!="};
  const std::string scope = th.workload.empty() ? th.request : "workload " + th.workload;
  json entry{{"name", th.text + (scope.empty() ? "" : " [" + scope + "]")},
             {"metric", th.metric},
             {"scope", scope},
             {"expected", std::string(kOps[static_cast<int>(th.op)]) + " " + th.value_text},
             {"observed_text", r.observed_text},
             {"passed", r.passed},
             {"abort_on_fail", th.abort_on_fail},
             {"location", th.loc.str()}};
  entry["observed"] = r.evaluated ? json(r.observed) : json(nullptr);
  // A skipped threshold has no verdict: passed is null and the reason says why.
  entry["skipped"] = r.skipped;
  if (r.skipped) {
    entry["passed"] = nullptr;
    entry["skip_reason"] = th.skip_reason;
  }
  if (th.window.count() > 0) entry["window_s"] = static_cast<double>(th.window.count()) / 1e9;
  if (r.failed_at_s >= 0) entry["failed_at_s"] = r.failed_at_s;
  if (!th.workload.empty()) entry["workload"] = th.workload;
  return entry;
}

}  // namespace

std::string TrafficDocument(const metrics::Recorder& r, double seconds,
                            const std::vector<std::string>& names) {
  return Dump(Breakdown(r, seconds, names));
}

std::string EventDocument(double elapsed_s, const std::string& source, const std::string& name,
                          double value) {
  json d = Header("event");
  d["elapsed_s"] = elapsed_s;
  d["source"] = source;
  d["name"] = name;
  d["value"] = value;
  return Dump(d);
}

std::string SummaryDocument(const RunInfo& info, const RunEnd& end, const metrics::Recorder& t,
                            const std::vector<std::string>& names,
                            const std::map<std::string, uint64_t>& emitted_events) {
  json d = Header("summary");
  AddRunOutline(info, end, &d);
  AddTotals(t, end, names, emitted_events, &d);
  d["requests_by_name"] = RequestsByName(info, t);
  AddStages(end, &d);
  AddWorkloads(end, &d);
  json thresholds = json::array();
  for (const ThresholdResult& r : end.thresholds) thresholds.push_back(ThresholdDocument(r));
  d["thresholds"] = thresholds;
  d["thresholds_passed"] = end.thresholds_passed();
  d["generator_cpu_s"] = end.process_cpu_s;
  d["latency_histogram"] = HistogramDocument(t.latency());
  d["service_time_histogram"] = HistogramDocument(t.service_time());
  d["recorder"] = RecorderToJson(t, names);
  d["emitted_events"] = emitted_events;
  d["reporter_documents_dropped"] = end.reporter_documents_dropped;
  AddChaos(end.chaos, names, &d);
  d["experiments_passed"] = end.chaos.experiments_passed();
  return Dump(d);
}

}  // namespace sp::report
