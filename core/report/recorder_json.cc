#include "core/report/recorder_json.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace sp::report {
namespace {

using nlohmann::json;

json StepToJson(const metrics::StepStats& s) {
  return {{"requests", s.requests},
          {"errors", s.errors},
          {"redirects", s.redirects},
          {"latency", HistogramToJson(s.latency)}};
}

bool StepIsEmpty(const metrics::StepStats& s) { return s.requests == 0 && s.latency.count() == 0; }

json NamedToJson(const std::vector<uint64_t>& counts, const std::vector<std::string>& names) {
  json out = json::object();
  for (size_t i = 0; i < counts.size() && i < names.size(); ++i) {
    if (counts[i]) out[names[i]] = counts[i];
  }
  return out;
}

// The decoding side: each function throws json's exceptions on a wrong type, or
// std::runtime_error with what is wrong; RecorderFromJson turns them into *err.
void Require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

void HistogramFrom(const json& j, const char* member, metrics::Histogram* out) {
  std::string err;
  Require(HistogramFromJson(j.at(member), out, &err), std::string(member) + ": " + err);
}

size_t Intern(std::vector<std::string>* names, const std::string& name) {
  auto it = std::find(names->begin(), names->end(), name);
  if (it != names->end()) return static_cast<size_t>(it - names->begin());
  names->push_back(name);
  return names->size() - 1;
}

void NamedFrom(const json& j, std::vector<std::string>* names, std::vector<uint64_t>* out) {
  for (const auto& [name, n] : j.items()) {
    const size_t id = Intern(names, name);
    if (out->size() <= id) out->resize(id + 1);
    (*out)[id] = n.get<uint64_t>();
  }
}

void StepFrom(const json& j, metrics::StepStats* s) {
  s->requests = j.at("requests").get<uint64_t>();
  s->errors = j.at("errors").get<uint64_t>();
  s->redirects = j.at("redirects").get<uint64_t>();
  HistogramFrom(j, "latency", &s->latency);
}

// `steps` and `stages`: [{"index": i, ...}], sparse, each index below the limit.
template <typename Stats, typename Fill>
void IndexedFrom(const json& list, const char* member, std::vector<Stats>* out, Fill fill) {
  for (const json& e : list) {
    const size_t index = e.at("index").get<size_t>();
    Require(index < 1'000'000,
            std::string(member) + ": index " + std::to_string(index) + " is too large");
    if (out->size() <= index) out->resize(index + 1);
    fill(e, &(*out)[index]);
  }
}

void CountsFrom(const json& j, metrics::Recorder* r) {
  r->set_totals(j.at("requests").get<uint64_t>(), j.at("errors").get<uint64_t>(),
                j.at("bytes_sent").get<uint64_t>(), j.at("bytes_received").get<uint64_t>());
  for (const auto& [kind, n] : j.at("errors_by_type").items()) {
    int k = 1;
    while (k < metrics::kErrorKinds && kind != metrics::ErrorKindName(k)) ++k;
    Require(k < metrics::kErrorKinds, "errors_by_type: unknown error kind \"" + kind + "\"");
    r->mutable_errors_by_kind()[k] = n.get<uint64_t>();
  }
  uint64_t errors = 0;
  for (int k = 1; k < metrics::kErrorKinds; ++k) errors += r->errors_by_kind()[k];
  r->mutable_errors_by_kind()[SP_E_NONE] = r->requests() - std::min(errors, r->requests());
  for (const auto& [code, n] : j.at("status_codes").items()) {
    const int c = std::atoi(code.c_str());
    Require(c > 0 && c < 600 && code == std::to_string(c),
            "status_codes: \"" + code + "\" is no status");
    r->mutable_status_codes()[c] = n.get<uint64_t>();
  }
}

}  // namespace

json HistogramToJson(const metrics::Histogram& h) {
  json buckets = json::array();
  for (const auto& [b, n] : h.Buckets()) buckets.push_back({b, n});
  return {{"unit", "ns"},       {"encoding", kHistogramEncoding},
          {"count", h.count()}, {"min", h.min()},
          {"max", h.max()},     {"sum", h.sum()},
          {"buckets", buckets}};
}

json RecorderToJson(const metrics::Recorder& r, const std::vector<std::string>& names) {
  json errors = json::object();
  for (int k = 1; k < metrics::kErrorKinds; ++k) {
    if (r.errors_by_kind()[k]) errors[metrics::ErrorKindName(k)] = r.errors_by_kind()[k];
  }
  json statuses = json::object();
  for (size_t c = 0; c < r.status_codes().size(); ++c) {
    if (r.status_codes()[c]) statuses[std::to_string(c)] = r.status_codes()[c];
  }
  json steps = json::array();
  for (size_t i = 0; i < r.steps().size(); ++i) {
    if (StepIsEmpty(r.steps()[i])) continue;
    json s = StepToJson(r.steps()[i]);
    s["index"] = i;
    steps.push_back(s);
  }
  json stages = json::array();
  for (size_t i = 0; i < r.stages().size(); ++i) {
    const metrics::StageStats& st = r.stages()[i];
    if (StepIsEmpty(st) && st.iterations_started == 0 && st.iterations_completed == 0 &&
        st.dropped == 0) {
      continue;
    }
    json s = StepToJson(st);
    s["index"] = i;
    s["iterations_started"] = st.iterations_started;
    s["iterations_completed"] = st.iterations_completed;
    s["dropped"] = st.dropped;
    s["local_limit"] = st.local_limit;
    stages.push_back(s);
  }
  return {{"requests", r.requests()},
          {"errors", r.errors()},
          {"bytes_sent", r.bytes_sent()},
          {"bytes_received", r.bytes_received()},
          {"latency", HistogramToJson(r.latency())},
          {"service_time", HistogramToJson(r.service_time())},
          {"errors_by_type", errors},
          {"status_codes", statuses},
          {"events", NamedToJson(r.events(), names)},
          {"failed_checks", NamedToJson(r.failed_checks(), names)},
          {"steps", steps},
          {"stages", stages}};
}

bool HistogramFromJson(const json& j, metrics::Histogram* out, std::string* err) {
  try {
    if (j.at("encoding").get<std::string>() != kHistogramEncoding || j.at("unit") != "ns") {
      *err = std::string("not an ns histogram in the ") + kHistogramEncoding + " encoding";
      return false;
    }
    auto buckets = j.at("buckets").get<std::vector<std::pair<int, uint64_t>>>();
    if (!out->Restore(buckets, j.at("min").get<uint64_t>(), j.at("max").get<uint64_t>(),
                      j.at("sum").get<double>(), err)) {
      return false;
    }
    if (out->count() != j.at("count").get<uint64_t>()) {
      *err = "count " + j.at("count").dump() + " is not the sum of the buckets' counts";
      return false;
    }
    return true;
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
}

bool RecorderFromJson(const json& j, std::vector<std::string>* names, metrics::Recorder* out,
                      std::string* err) {
  metrics::Recorder r;
  try {
    CountsFrom(j, &r);
    HistogramFrom(j, "latency", &r.mutable_latency());
    HistogramFrom(j, "service_time", &r.mutable_service_time());
    NamedFrom(j.at("events"), names, &r.mutable_events());
    NamedFrom(j.at("failed_checks"), names, &r.mutable_failed_checks());
    IndexedFrom(j.at("steps"), "steps", &r.mutable_steps(), StepFrom);
    IndexedFrom(j.at("stages"), "stages", &r.mutable_stages(),
                [](const json& e, metrics::StageStats* st) {
                  StepFrom(e, st);
                  st->iterations_started = e.at("iterations_started").get<uint64_t>();
                  st->iterations_completed = e.at("iterations_completed").get<uint64_t>();
                  st->dropped = e.at("dropped").get<uint64_t>();
                  st->local_limit = e.at("local_limit").get<uint64_t>();
                });
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
  *out = std::move(r);
  return true;
}

}  // namespace sp::report
