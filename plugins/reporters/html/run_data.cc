#include "plugins/reporters/html/run_data.h"

#include <algorithm>
#include <cmath>

#include "plugins/reporters/common/hdr_buckets.h"

namespace sp::html {

const json& RunData::plan() const {
  const json& p = Field(run_start, "plan");
  return p.is_object() ? p : Field(summary, "plan");
}

void RunData::AddSnapshot(const json& snapshot) {
  Sample s;
  const double previous = samples.empty() ? 0.0 : samples.back().t;
  s.t = NumberOr(snapshot, "elapsed_s", previous + 1);
  s.interval = std::max(0.0, s.t - previous);
  s.requests = NumberOr(snapshot, "requests", 0);
  s.errors = NumberOr(snapshot, "errors", 0);
  if (s.requests > 0) {
    const json& latency = Field(snapshot, "latency_ms");
    s.p50 = NumberOr(latency, "p50", kNaN);
    s.p95 = NumberOr(latency, "p95", kNaN);
    s.p99 = NumberOr(latency, "p99", kNaN);
  }
  const json& users = Field(snapshot, "users");
  s.users_active = NumberOr(users, "active", kNaN);
  s.planned_rate = NumberOr(snapshot, "planned_rate", kNaN);
  // Open stages plan a rate, not users (their "active" counts iterations in progress).
  if (std::isnan(s.planned_rate)) s.users_planned = NumberOr(users, "planned", kNaN);
  AddErrorKinds(Field(snapshot, "errors_by_type"), &s);
  AddRequestNames(snapshot, &s);
  AddChaos(Field(snapshot, "chaos"), previous, s.t);
  samples.push_back(std::move(s));
  // Halve the resolution of what is kept rather than grow: the page draws far fewer points.
  if (samples.size() >= kMaxSamples) samples = Downsample(samples, kMaxSamples / 2);
}

void RunData::AddEvent(const json& event) {
  if (events.size() >= kMaxEvents) {
    ++events_not_kept;
    return;
  }
  events.push_back({NumberOr(event, "elapsed_s", 0), Text(event, "source"), Text(event, "name"),
                    NumberOr(event, "value", 0)});
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The index of `name` in `names`, added when there is room; `limit` when there is none.
size_t Intern(std::vector<std::string>* names, const std::string& name, size_t limit) {
  const auto it = std::find(names->begin(), names->end(), name);
  if (it != names->end()) return static_cast<size_t>(it - names->begin());
  if (names->size() >= limit) return limit;
  names->push_back(name);
  return names->size() - 1;
}

// The entry of `list` for `id` (list ordered by id), added when missing.
template <typename Entry, typename IdOf>
Entry& EntryFor(std::vector<Entry>* list, size_t id, IdOf id_of) {
  auto it = std::lower_bound(list->begin(), list->end(), id,
                             [&](const Entry& e, size_t wanted) { return id_of(e) < wanted; });
  if (it == list->end() || id_of(*it) != id) it = list->insert(it, Entry{id});
  return *it;
}

KindCount& KindEntry(std::vector<KindCount>* list, size_t kind) {
  return EntryFor(list, kind, [](const KindCount& k) { return k.kind; });
}

NameSample& NameEntry(std::vector<NameSample>* list, size_t name) {
  return EntryFor(list, name, [](const NameSample& n) { return n.name; });
}

// The larger of two values where NaN means "none".
double MaxOf(double a, double b) {
  if (std::isnan(a)) return b;
  if (std::isnan(b)) return a;
  return std::max(a, b);
}

}  // namespace

void RunData::AddErrorKinds(const json& errors_by_type, Sample* s) {
  if (!errors_by_type.is_object()) return;
  for (const auto& [kind, count] : errors_by_type.items()) {
    if (!count.is_number() || !(count.get<double>() > 0)) continue;
    size_t id = Intern(&error_kinds, kind, kMaxErrorKinds - 1);
    if (id == kMaxErrorKinds - 1) id = Intern(&error_kinds, "other", kMaxErrorKinds);
    KindEntry(&s->errors_by_kind, id).count += count.get<double>();
  }
}

void RunData::AddRequestNames(const json& snapshot, Sample* s) {
  const auto name_id = [&](const std::string& name) {
    const size_t id = Intern(&request_names, name, kMaxRequestNames);
    request_names_not_kept |= id == kMaxRequestNames;
    return id;
  };
  const json& counts = Field(snapshot, "requests_by_name");
  for (const json& c : counts.is_array() ? counts : json::array()) {
    const std::string name = Text(c, "name");
    const size_t id = name.empty() ? kMaxRequestNames : name_id(name);
    if (id == kMaxRequestNames) continue;
    NameSample& n = NameEntry(&s->by_name, id);
    n.requests += NumberOr(c, "requests", 0);
    n.errors += NumberOr(c, "errors", 0);
  }
  const json& steps = Field(Field(snapshot, "recorder"), "steps");
  for (const json& step : steps.is_array() ? steps : json::array()) {
    const std::optional<double> index = Number(step, "index");
    if (!index || *index < 0 || *index >= static_cast<double>(StepNames().size())) continue;
    const size_t id = name_id(StepNames()[static_cast<size_t>(*index)]);
    if (id == kMaxRequestNames) continue;
    const json& latency = Field(step, "latency");
    const double p95_ns =
        sp::reporters::HdrPercentile(sp::reporters::ReadHdrBuckets(Field(latency, "buckets")), 95,
                                     NumberOr(latency, "min", 0), NumberOr(latency, "max", kInf));
    if (std::isfinite(p95_ns)) NameEntry(&s->by_name, id).p95 = p95_ns / 1e6;
  }
}

void RunData::AddChaos(const json& active, double start_s, double end_s) {
  for (const json& name : active.is_array() ? active : json::array()) {
    if (!name.is_string()) continue;
    // A span of the step that ended where this snapshot starts goes on.
    const auto open =
        std::find_if(chaos_spans.rbegin(), chaos_spans.rend(), [&](const ChaosSpan& c) {
          return c.name == name.get<std::string>() && c.end_s == start_s;
        });
    if (open != chaos_spans.rend()) {
      open->end_s = end_s;
    } else if (chaos_spans.size() < kMaxChaosSpans) {
      chaos_spans.push_back({name.get<std::string>(), start_s, end_s});
    }
  }
}

const std::vector<std::string>& RunData::StepNames() {
  if (step_names_read_ || !run_start.is_object()) return step_names_;
  step_names_read_ = true;
  const json& scenarios = Field(run_start, "scenarios");
  for (const json& sc : scenarios.is_array() ? scenarios : json::array()) {
    const json& requests = Field(sc, "requests");
    for (const json& r : requests.is_array() ? requests : json::array()) {
      step_names_.push_back(Text(sc, "name") + "/" + (r.is_string() ? r.get<std::string>() : ""));
    }
  }
  return step_names_;
}

namespace {

// `from`'s counts by kind and by name added to `into`'s; the names' p95 is the worst of both.
void MergeBreakdowns(const Sample& from, Sample* into) {
  for (const KindCount& k : from.errors_by_kind)
    KindEntry(&into->errors_by_kind, k.kind).count += k.count;
  for (const NameSample& n : from.by_name) {
    NameSample& to = NameEntry(&into->by_name, n.name);
    to.requests += n.requests;
    to.errors += n.errors;
    to.p95 = MaxOf(to.p95, n.p95);
  }
}

}  // namespace

std::vector<Sample> Downsample(const std::vector<Sample>& samples, size_t max_points) {
  if (max_points == 0 || samples.size() <= max_points) return samples;
  const size_t per_bucket = (samples.size() + max_points - 1) / max_points;
  std::vector<Sample> out;
  out.reserve(max_points);
  for (size_t i = 0; i < samples.size(); i += per_bucket) {
    Sample b;
    b.interval = 0;
    for (size_t k = i; k < std::min(samples.size(), i + per_bucket); ++k) {
      const Sample& s = samples[k];
      b.t = s.t;
      b.interval += s.interval;
      b.requests += s.requests;
      b.errors += s.errors;
      b.p50 = MaxOf(b.p50, s.p50);
      b.p95 = MaxOf(b.p95, s.p95);
      b.p99 = MaxOf(b.p99, s.p99);
      b.users_active = MaxOf(b.users_active, s.users_active);
      b.users_planned = MaxOf(b.users_planned, s.users_planned);
      b.planned_rate = MaxOf(b.planned_rate, s.planned_rate);
      MergeBreakdowns(s, &b);
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace sp::html
