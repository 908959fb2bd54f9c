#include "plugins/reporters/prometheus/run_metrics.h"

#include <utility>

#include "plugins/reporters/common/document_fields.h"
#include "plugins/reporters/prometheus/text_format.h"

namespace sp::prometheus_reporter {

using nlohmann::json;
using reporters::Field;
using reporters::NumberOr;
using reporters::Text;

namespace {

// A count: a non-negative integer, else 0.
uint64_t Count(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  return v.is_number_integer() && v.get<int64_t>() >= 0 ? static_cast<uint64_t>(v.get<int64_t>())
                                                        : 0;
}

// {"name": count, ...} added to (or, `replace`, put in place of) `into`.
void FoldCounts(const json& counts, bool replace, std::map<std::string, uint64_t>* into) {
  if (!counts.is_object()) return;
  if (replace) into->clear();
  for (const auto& [name, n] : counts.items()) (*into)[name] += Count(n);
}

// requests_by_name: [{"name", "requests", "errors"}, ...].
void FoldByName(const json& list, bool replace, std::map<std::string, uint64_t>* requests,
                std::map<std::string, uint64_t>* errors) {
  if (!list.is_array()) return;
  if (replace) {
    requests->clear();
    errors->clear();
  }
  for (const json& e : list) {
    const std::string name = Text(e, "name");
    (*requests)[name] += Count(Field(e, "requests"));
    (*errors)[name] += Count(Field(e, "errors"));
  }
}

Family CounterFamily(const char* name, const char* help, const char* label,
                     const std::map<std::string, uint64_t>& counts) {
  Family f{name, "counter", help, {}};
  for (const auto& [value, n] : counts)
    f.samples.push_back({"", {{label, value}}, static_cast<double>(n)});
  return f;
}

Family Scalar(const char* name, const char* type, const char* help, double value) {
  return Family{name, type, help, {{"", {}, value}}};
}

}  // namespace

RunMetrics::RunMetrics(BucketLayout layout, std::string run_id)
    : layout_(std::move(layout)), run_id_(std::move(run_id)) {
  latency_.slots.assign(layout_.slots(), 0);
  service_time_.slots.assign(layout_.slots(), 0);
}

void RunMetrics::OnRunStart(const json& d) {
  const json& plan = Field(d, "plan");
  const std::string run_id = run_id_.empty() ? Text(d, "started_at") : run_id_;
  constant_labels_ = {{"plan", Text(plan, "name")},
                      {"profile", Text(plan, "profile")},
                      {"environment", Text(plan, "environment")},
                      {"run_id", run_id}};
  // A segment of a distributed run (issue 12) says which: "index/count".
  const json& segment = Field(d, "segment");
  if (segment.is_object()) {
    constant_labels_.push_back({"segment", std::to_string(Count(Field(segment, "index"))) + "/" +
                                               std::to_string(Count(Field(segment, "count")))});
  }
}

// Adds a lossless histogram ({"buckets": [[bucket, count], ...], "sum": ns, ...}) to `into`:
// its buckets in the layout's `le` slots, its exact sum.
void RunMetrics::AddHistogram(const json& h, BucketCounts* into) const {
  std::vector<uint64_t> added(layout_.slots(), 0);
  layout_.Add(Field(h, "buckets"), &added);
  for (size_t i = 0; i < added.size(); ++i) into->slots[i] += added[i];
  into->sum_s += NumberOr(h, "sum", 0) / 1e9;
}

// A snapshot's or the summary's latency and service time, from its `recorder`.
void RunMetrics::AddRecorderHistograms(const json& d) {
  const json& recorder = Field(d, "recorder");
  AddHistogram(Field(recorder, "latency"), &latency_);
  AddHistogram(Field(recorder, "service_time"), &service_time_);
}

// The counts by request, error kind, status and event that snapshots and the summary share.
void RunMetrics::FoldNamedCounts(const json& d, bool replace) {
  FoldByName(Field(d, "requests_by_name"), replace, &counters_.requests_by_name,
             &counters_.errors_by_name);
  FoldCounts(Field(d, "errors_by_type"), replace, &counters_.errors_by_kind);
  FoldCounts(Field(d, "status_codes"), replace, &counters_.responses_by_status);
  FoldCounts(Field(d, "events"), replace, &counters_.events);
}

void RunMetrics::OnSnapshot(const json& d) {
  FoldNamedCounts(d, /*replace=*/false);
  const uint64_t started = Count(Field(d, "iterations_started"));
  counters_.iterations_started += started;
  counters_.dropped += Count(Field(d, "dropped"));
  AddRecorderHistograms(d);

  const double elapsed = NumberOr(d, "elapsed_s", gauges_.elapsed_s);
  const double interval = elapsed - gauges_.elapsed_s;
  // A part-second at the end (the drain) is too short to say a rate.
  if (interval >= 0.2) gauges_.rate_achieved = static_cast<double>(started) / interval;
  gauges_.elapsed_s = elapsed;
  gauges_.users_active = NumberOr(Field(d, "users"), "active", 0);
  gauges_.users_planned = NumberOr(Field(d, "users"), "planned", 0);
  gauges_.rate_planned = NumberOr(d, "planned_rate", 0);
  gauges_.in_flight = NumberOr(d, "in_flight", 0);
  gauges_.circuit_open = reporters::Bool(d, "circuit_open").value_or(false) ? 1 : 0;
  for (auto& [step, active] : gauges_.chaos_active) active = false;
  const json& chaos = Field(d, "chaos");
  if (chaos.is_array()) {
    for (const json& step : chaos) {
      if (step.is_string()) gauges_.chaos_active[step.get<std::string>()] = true;
    }
  }
}

void RunMetrics::OnSummary(const json& d) {
  FoldNamedCounts(d, /*replace=*/true);
  const json& stages = Field(d, "stages");
  if (stages.is_array()) {
    counters_.iterations_started = 0;
    for (const json& st : stages)
      counters_.iterations_started += Count(Field(st, "iterations_started"));
  }
  counters_.dropped = Count(Field(d, "dropped_iterations"));
  latency_ = {std::vector<uint64_t>(layout_.slots(), 0), 0};
  service_time_ = {std::vector<uint64_t>(layout_.slots(), 0), 0};
  AddRecorderHistograms(d);
  gauges_.users_active = 0;
  gauges_.in_flight = 0;
  gauges_.rate_planned = 0;
  gauges_.rate_achieved = 0;
  gauges_.circuit_open = 0;
  for (auto& [step, active] : gauges_.chaos_active) active = false;
  gauges_.finished = 1;
}

Family RunMetrics::HistogramFamily(const char* name, const char* help,
                                   const BucketCounts& h) const {
  Family f{name, "histogram", help, {}};
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.slots.size(); ++i) {
    cumulative += h.slots[i];
    const std::string le =
        i < layout_.bounds_ms().size() ? FormatValue(layout_.bounds_ms()[i] / 1e3) : "+Inf";
    f.samples.push_back({"_bucket", {{"le", le}}, static_cast<double>(cumulative)});
  }
  f.samples.push_back({"_sum", {}, h.sum_s});
  f.samples.push_back({"_count", {}, static_cast<double>(cumulative)});
  return f;
}

void RunMetrics::AddCounterFamilies(Exposition* e) const {
  const Counters& c = counters_;
  e->families.push_back(CounterFamily("stressplan_requests_total",
                                      "Requests completed, by request step (scenario/request).",
                                      "request", c.requests_by_name));
  e->families.push_back(CounterFamily("stressplan_request_errors_total",
                                      "Requests that failed, by request step.", "request",
                                      c.errors_by_name));
  e->families.push_back(CounterFamily("stressplan_errors_total",
                                      "Failed requests by error kind (docs/errors.md).", "kind",
                                      c.errors_by_kind));
  e->families.push_back(CounterFamily("stressplan_responses_total", "Responses by status code.",
                                      "status", c.responses_by_status));
  e->families.push_back(CounterFamily(
      "stressplan_events_total", "Named events (response rules, plugins).", "event", c.events));
  e->families.push_back(Scalar("stressplan_iterations_started_total", "counter",
                               "Iterations (scenario runs) started.",
                               static_cast<double>(c.iterations_started)));
  e->families.push_back(
      Scalar("stressplan_dropped_iterations_total", "counter",
             "Open-model arrivals dropped: no user slot was free (max_concurrency).",
             static_cast<double>(c.dropped)));
}

void RunMetrics::AddGaugeFamilies(Exposition* e) const {
  const Gauges& g = gauges_;
  e->families.push_back(Scalar("stressplan_users_active", "gauge",
                               "Active users (open stages: iterations in progress).",
                               g.users_active));
  e->families.push_back(Scalar("stressplan_users_planned", "gauge",
                               "Users the closed stages plan at this moment.", g.users_planned));
  e->families.push_back(Scalar("stressplan_rate_planned", "gauge",
                               "Iterations per second the open stages plan at this moment.",
                               g.rate_planned));
  e->families.push_back(Scalar("stressplan_rate_achieved", "gauge",
                               "Iterations started per second in the last snapshot.",
                               g.rate_achieved));
  e->families.push_back(
      Scalar("stressplan_in_flight", "gauge", "Requests in flight.", g.in_flight));
  Family chaos{
      "stressplan_chaos_step_active", "gauge", "1 while the chaos step's fault is in.", {}};
  for (const auto& [step, active] : g.chaos_active)
    chaos.samples.push_back({"", {{"step", step}}, active ? 1.0 : 0.0});
  e->families.push_back(std::move(chaos));
  e->families.push_back(Scalar("stressplan_circuit_open", "gauge",
                               "1 while the circuit breaker is open (responses or an observer).",
                               g.circuit_open));
  e->families.push_back(Scalar("stressplan_run_elapsed_seconds", "gauge",
                               "Seconds since the run's start, as of the last snapshot.",
                               g.elapsed_s));
  e->families.push_back(Scalar("stressplan_run_finished", "gauge",
                               "1 once the summary arrived: the counters hold the run's totals.",
                               g.finished));
}

Exposition RunMetrics::Expose() const {
  Exposition e{constant_labels_, {}};
  AddCounterFamilies(&e);
  e.families.push_back(HistogramFamily("stressplan_request_duration_seconds",
                                       "Latency from the request's intended start to its "
                                       "completion (coordinated omission corrected).",
                                       latency_));
  e.families.push_back(HistogramFamily("stressplan_service_time_seconds",
                                       "Service time from the actual send to the completion.",
                                       service_time_));
  AddGaugeFamilies(&e);
  return e;
}

}  // namespace sp::prometheus_reporter
