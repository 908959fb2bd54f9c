#include "core/compare/report_reading.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/report/recorder_json.h"

namespace sp::compare {
namespace {

using nlohmann::json;

const json* Member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

bool NumberOf(const json& object, const char* key, double* out) {
  const json* v = Member(object, key);
  if (v == nullptr || !v->is_number()) return false;
  *out = v->get<double>();
  return true;
}

// The entry of summary[list] whose `key` is `name` (a string, or an index written as one).
const json* Entry(const json& summary, const char* list, const char* key, const std::string& name) {
  const json* entries = Member(summary, list);
  if (entries == nullptr || !entries->is_array()) return nullptr;
  for (const json& e : *entries) {
    const json* k = Member(e, key);
    if (k == nullptr) continue;
    if ((k->is_string() && k->get<std::string>() == name) ||
        (k->is_number_integer() && std::to_string(k->get<int64_t>()) == name)) {
      return &e;
    }
  }
  return nullptr;
}

const json* ScopeObject(const json& summary, const Scope& s) {
  switch (s.kind) {
    case ScopeKind::kRun: return &summary;
    case ScopeKind::kRequest: return Entry(summary, "requests_by_name", "name", s.name);
    case ScopeKind::kStage: return Entry(summary, "stages", "index", s.name);
    case ScopeKind::kWorkload: return Entry(summary, "workloads", "name", s.name);
  }
  return nullptr;
}

// A report's sparse histogram ({"buckets": [[bucket, count], ...]}), or nothing.
std::optional<metrics::Histogram> HistogramOf(const json* h) {
  const json* buckets = h == nullptr ? nullptr : Member(*h, "buckets");
  if (buckets == nullptr || !buckets->is_array() || buckets->empty()) return std::nullopt;
  std::vector<std::pair<int, uint64_t>> pairs;
  for (const json& b : *buckets) {
    if (!b.is_array() || b.size() != 2 || !b[0].is_number_integer() || !b[1].is_number_unsigned()) {
      return std::nullopt;
    }
    const int64_t index = b[0].get<int64_t>();
    if (index < 0 || index >= metrics::Histogram::kBuckets) return std::nullopt;
    pairs.emplace_back(static_cast<int>(index), b[1].get<uint64_t>());
  }
  // The summary does not carry min and max in nanoseconds: the buckets' own edges stand in,
  // which only widens a percentile's interval by the histogram's resolution.
  metrics::Histogram out;
  std::string err;
  if (!out.Restore(pairs, metrics::Histogram::BucketLow(pairs.front().first),
                   metrics::Histogram::BucketHigh(pairs.back().first), 0, &err)) {
    return std::nullopt;
  }
  return out;
}

// The scope's lossless histogram from the summary's `recorder` (docs/reports.md): the run's
// latency or service time, a request name's latency (recorder.steps, indexed like
// requests_by_name) or a stage's (recorder.stages, by stage index). Nothing when the report
// has no recorder for the scope (a workload; an older report).
std::optional<metrics::Histogram> RecorderHistogram(const json& summary, const json& scope,
                                                    const Rule& r) {
  const json* recorder = Member(summary, "recorder");
  if (recorder == nullptr) return std::nullopt;
  const bool latency = r.metric == Metric::kLatency;
  const json* h = nullptr;
  const auto indexed = [&](const char* list, int64_t index) -> const json* {
    const json* entries = Member(*recorder, list);
    if (entries == nullptr || !entries->is_array()) return nullptr;
    for (const json& e : *entries) {
      const json* i = Member(e, "index");
      if (i != nullptr && i->is_number_integer() && i->get<int64_t>() == index)
        return Member(e, "latency");
    }
    return nullptr;
  };
  switch (r.scope.kind) {
    case ScopeKind::kRun: h = Member(*recorder, latency ? "latency" : "service_time"); break;
    case ScopeKind::kRequest: {
      const json* names = Member(summary, "requests_by_name");
      if (!latency || names == nullptr || !names->is_array()) break;
      for (size_t i = 0; i < names->size(); ++i) {
        if (&(*names)[i] == &scope) h = indexed("steps", static_cast<int64_t>(i));
      }
      break;
    }
    case ScopeKind::kStage: {
      const json* index = Member(scope, "index");
      if (latency && index != nullptr && index->is_number_integer())
        h = indexed("stages", index->get<int64_t>());
      break;
    }
    case ScopeKind::kWorkload: break;
  }
  metrics::Histogram out;
  std::string err;
  if (h == nullptr || !report::HistogramFromJson(*h, &out, &err)) return std::nullopt;
  return out;
}

std::string PercentileKey(double p) {
  char key[32];
  std::snprintf(key, sizeof key, "p%g", p);
  return key;
}

Reading Time(const json& summary, const json& scope, const Rule& r) {
  const bool latency = r.metric == Metric::kLatency;
  Reading out;
  const json* stats = Member(scope, latency ? "latency_ms" : "service_time_ms");
  double requests = 0;
  if (NumberOf(scope, "requests", &requests)) out.requests = static_cast<uint64_t>(requests);
  if (r.percentile > 0) {
    const char* hist_key = latency ? "latency_histogram" : "service_time_histogram";
    out.histogram = RecorderHistogram(summary, scope, r);
    if (!out.histogram) out.histogram = HistogramOf(Member(scope, hist_key));
    if (out.histogram && out.histogram->count() > 0) {
      out.present = true;
      out.value = static_cast<double>(out.histogram->Percentile(r.percentile)) / 1e9;
      out.requests = out.histogram->count();
      return out;
    }
    out.histogram.reset();
  }
  const std::string key = r.percentile > 0 ? PercentileKey(r.percentile) : r.stat;
  double ms = 0;
  if (stats != nullptr && NumberOf(*stats, key.c_str(), &ms) && out.requests > 0) {
    out.present = true;
    out.value = ms / 1e3;
  }
  return out;
}

Reading Rate(const json& scope, const Rule& r) {
  Reading out;
  double requests = 0;
  double errors = 0;
  if (!NumberOf(scope, "requests", &requests) || requests <= 0) return out;
  if (r.metric == Metric::kErrorRate) {
    if (!NumberOf(scope, "errors", &errors)) return out;
  } else {
    const json* kinds = Member(scope, "errors_by_type");
    if (kinds == nullptr || !kinds->is_object()) return out;
    NumberOf(*kinds, r.stat.c_str(), &errors);  // a kind not listed had none
  }
  out.present = true;
  out.requests = static_cast<uint64_t>(requests);
  out.value = errors / requests;
  return out;
}

Reading Throughput(const json& summary, const json& scope, const Rule& r) {
  Reading out;
  double requests = 0;
  double seconds = 0;
  if (NumberOf(scope, "throughput_rps", &out.value)) {
    out.present = true;
  } else if (NumberOf(scope, "requests", &requests) &&
             NumberOf(r.scope.kind == ScopeKind::kStage ? scope : summary, "duration_s",
                      &seconds) &&
             seconds > 0) {
    out.present = true;
    out.value = requests / seconds;
  }
  return out;
}

// The slowest recovery of the run's experiments; infinity when one never recovered.
Reading Recovery(const json& summary) {
  Reading out;
  const json* experiments = Member(summary, "experiments");
  if (experiments == nullptr || !experiments->is_array()) return out;
  for (const json& e : *experiments) {
    const json* recovery = Member(e, "recovery");
    const json* state = recovery == nullptr ? nullptr : Member(*recovery, "state");
    if (state == nullptr || !state->is_string()) continue;
    double t = 0;
    if (*state == "unrecovered") {
      t = std::numeric_limits<double>::infinity();
    } else if (*state != "recovered" || !NumberOf(*recovery, "time_s", &t)) {
      continue;  // no baseline to recover to: nothing measured
    }
    out.value = out.present ? std::max(out.value, t) : t;
    out.present = true;
  }
  return out;
}

Reading Trips(const json& summary) {
  Reading out;
  const json* sources = Member(summary, "circuit");
  if (sources == nullptr || !sources->is_array() || sources->empty()) return out;
  for (const json& s : *sources) {
    double trips = 0;
    if (NumberOf(s, "trips", &trips)) out.value += trips;
  }
  out.present = true;
  return out;
}

}  // namespace

bool LoadReport(const std::string& path, LoadedReport* out, std::string* err) {
  std::error_code ec;
  std::string file = path;
  if (std::filesystem::is_directory(path, ec))
    file = (std::filesystem::path(path) / "report.json").string();
  std::ifstream in(file);
  if (!in) {
    *err = file + ": cannot be read (" +
           (std::filesystem::exists(file, ec) ? "permission denied" : "no such file") + ")";
    return false;
  }
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) {
    *err = file + ": not JSON (a stressplan report.json is expected)";
    return false;
  }
  if (!doc.is_object() || doc.value("type", "") != "report") {
    *err = file + ": not a stressplan report (its \"type\" is not \"report\")";
    return false;
  }
  const json* summary = Member(doc, "summary");
  if (summary == nullptr || !summary->is_object()) {
    *err = file + ": the report has no summary (the run ended before it could write one)";
    return false;
  }
  out->path = file;
  out->doc = std::move(doc);
  return true;
}

bool Comparable(const LoadedReport& baseline, const LoadedReport& current, std::string* why) {
  auto field = [](const LoadedReport& r, const char* key) {
    const json* run = Member(r.doc, "run");
    const json* plan = run == nullptr ? nullptr : Member(*run, "plan");
    const json* v = plan == nullptr ? nullptr : Member(*plan, key);
    return v != nullptr && v->is_string() ? v->get<std::string>() : std::string("(none)");
  };
  for (const char* key : {"name", "profile"}) {
    const std::string a = field(baseline, key);
    const std::string b = field(current, key);
    if (a != b) {
      *why = std::string("the reports come from different ") +
             (key[0] == 'n' ? "plans" : "profiles") + ": the baseline's " + key + " is \"" + a +
             "\", the current run's \"" + b + "\"";
      return false;
    }
  }
  const int va = baseline.doc.value("schema_version", 0);
  const int vb = current.doc.value("schema_version", 0);
  if (va != vb) {
    *why = "the reports have different schema versions (" + std::to_string(va) + " and " +
           std::to_string(vb) + ")";
    return false;
  }
  return true;
}

Reading Read(const LoadedReport& report, const Rule& rule) {
  const json& summary = report.doc["summary"];
  const json* scope = ScopeObject(summary, rule.scope);
  if (scope == nullptr) return {};
  switch (rule.metric) {
    case Metric::kLatency:
    case Metric::kServiceTime: return Time(summary, *scope, rule);
    case Metric::kErrorRate:
    case Metric::kErrorKind: return Rate(*scope, rule);
    case Metric::kThroughput: return Throughput(summary, *scope, rule);
    case Metric::kRecoveryTime: return Recovery(summary);
    case Metric::kCircuitTrips: return Trips(summary);
  }
  return {};
}

}  // namespace sp::compare
