#include "core/report/redact.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/metrics/recorder.h"
#include "core/plan/plan.h"

namespace sp::report {
namespace {

using nlohmann::json;

// The fields whose string values the tool writes itself, from its own small vocabulary:
// a run's status, an experiment's outcome, a document's type, a stage's model, the run's
// mode, a recovery's state, the histogram's encoding and unit, timestamps and versions, a
// journal line's op. Redacting inside them could only change a verdict, never hide a secret.
const std::set<std::string_view> kToolValueFields = {
    "type",  "status",        "outcome",   "model",      "mode",
    "state", "encoding",      "unit",      "started_at", "stressplan_version",
    "op",    "observed_text", "requested", "actual"};

// The key names the tool writes in its documents (every property of docs/report-schema.json;
// redact_test.cc checks this list against the schema) and in its journal lines. Keys that
// are not here are the user's (request names, event names, header names) and are redacted.
const std::set<std::string_view> kToolKeys = {
    "abort_on_fail", "achieved", "active", "after", "at_s", "baseline", "before", "buckets",
    "bytes_received", "bytes_sent", "chaos", "circuit", "description", "deviated", "dropped",
    "dropped_iterations", "duration_s", "during", "elapsed_s", "encoding", "end_s", "environment",
    "error_rate", "errors", "errors_by_type", "events", "expected", "experiments",
    "experiments_passed", "failed_at_s", "failed_checks", "failed_polls", "fault", "file",
    "generator_cpu", "generator_cpu_s", "in_flight", "index", "injected", "interrupted",
    "iterations", "iterations_completed", "iterations_started", "last_error", "latency_histogram",
    "latency_ms", "latency_p95_ms", "load_threads", "load_threads_busy_avg",
    "load_threads_busy_max", "location", "max", "max_concurrency", "mean", "message", "metric",
    "min", "mode", "model", "name", "observed", "observed_text", "ok", "open_intervals", "options",
    "outcome", "p50", "p90", "p95", "p99", "passed", "plan", "planned", "planned_duration_s",
    "planned_rate", "plugin", "polls", "problems", "profile", "proxies", "ramp_to", "rate",
    "reason", "recovery", "reporter_documents_dropped", "requests", "requests_by_name", "reverted",
    "run", "scenarios", "schema_version", "scope", "second", "service_time_ms", "signal",
    "skip_reason", "skipped", "source", "spawn_rate", "stage", "stages", "start_s", "started_at",
    "started_s", "state", "status", "status_codes", "status_reason", "steady_state",
    "stressplan_version", "summary", "target", "text", "thresholds", "thresholds_passed",
    "throughput_rps", "time_open_s", "time_s", "timeseries", "trips", "trustworthy", "type", "unit",
    "untrustworthy_reasons", "users", "valid", "value", "weight", "window", "window_s",
    // a profile's workloads (docs/plan.md#workloads)
    "workload", "workload_stage", "workloads",
    // requests_by_name: a step's redirect hops
    "redirects",
    // run_start: the plan's rules for `stressplan compare` (their texts are the plan's, not
    // secrets)
    "compare",
    // the segment a generator ran and when it started (docs/distributed.md)
    "segment", "count", "start", "requested", "actual", "skew_ms",
    // the lossless recorders and what `stressplan merge` reads (docs/reports.md)
    "column", "emitted_events", "latency", "line", "local_limit", "merge_plan", "offset_s",
    "op", "plan_id", "plugin_paths", "recorder", "reporters", "request", "segments",
    "service_time", "started_unix_ms", "steps", "sum", "value_text", "window_ns",
    // the service-time histogram of the snapshots and the summary (the Prometheus reporter)
    "service_time_histogram", "circuit_open",
    // journal lines (journal.h)
    "id", "pid", "start_time", "step", "plugin_file", "record", "by_pid"};

void RedactHeaders(json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "headers" && it->is_object()) {
        for (auto h = it->begin(); h != it->end(); ++h) {
          if (IsSensitiveHeader(h.key())) *h = kRedacted;
        }
      } else {
        RedactHeaders(*it);
      }
    }
  } else if (j.is_array()) {
    for (auto& item : j) RedactHeaders(item);
  }
}

// Replaces every occurrence of each secret's value; `mask` gives the replacement.
template <typename Mask>
std::string ReplaceAll(std::string text, const std::vector<SecretValue>& secrets, Mask mask) {
  for (const SecretValue& s : secrets) {
    const std::string replacement = mask(s);
    size_t pos = 0;
    while ((pos = text.find(s.value, pos)) != std::string::npos) {
      text.replace(pos, s.value.size(), replacement);
      pos += replacement.size();
    }
  }
  return text;
}

std::string Masked(const SecretValue&) { return kRedacted; }
std::string Placeholder(const SecretValue& s) { return "[secret:" + s.name + "]"; }

// Walks a document: string values are redacted unless the tool wrote them (`field` is the
// key they are under), keys unless they are the tool's own when `keys` is set.
template <typename Mask>
json Walk(const json& j, const std::string& field, const std::vector<SecretValue>& secrets, Mask mask,
          bool keys) {
  if (j.is_string()) {
    if (kToolValueFields.count(field)) return j;
    return ReplaceAll(j.get<std::string>(), secrets, mask);
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& item : j) out.push_back(Walk(item, field, secrets, mask, keys));
    return out;
  }
  if (j.is_object()) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string key = !keys || IsReportKey(it.key()) ? it.key() : ReplaceAll(it.key(), secrets, mask);
      out[key] = Walk(*it, it.key(), secrets, mask, keys);
    }
    return out;
  }
  return j;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

Redactor::Redactor(std::vector<SecretValue> secrets) {
  for (SecretValue& s : secrets) {
    if (!s.value.empty()) secrets_.push_back(std::move(s));
  }
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const SecretValue& a, const SecretValue& b) { return a.value.size() > b.value.size(); });
}

std::string Redactor::Apply(std::string text) const {
  if (secrets_.empty()) return text;
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Text(std::move(text));
  return Dump(Walk(j, "", secrets_, Masked, /*keys=*/true));
}

std::string Redactor::Text(std::string text) const { return ReplaceAll(std::move(text), secrets_, Masked); }

std::string Redactor::Placeholders(const std::string& json_text) const {
  if (secrets_.empty()) return json_text;
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return ReplaceAll(json_text, secrets_, Placeholder);
  // Keys stay: a record's keys are its plugin's structure.
  return Dump(Walk(j, "", secrets_, Placeholder, /*keys=*/false));
}

std::vector<SecretValue> SecretValues(const plan::Plan& plan) {
  std::vector<SecretValue> out;
  for (const plan::Secret& s : plan.secrets) out.push_back({s.name, s.value});
  return out;
}

bool IsReportKey(const std::string& key) {
  if (kToolKeys.count(key)) return true;
  for (int k = 1; k < metrics::kErrorKinds; ++k) {
    if (key == metrics::ErrorKindName(k)) return true;
  }
  return false;
}

namespace {

// Fills the placeholders of one string; false with *unset naming a variable that is unset.
bool Fill(std::string* s, std::string* unset) {
  static const std::string kOpen = "[secret:";
  size_t pos = 0;
  while ((pos = s->find(kOpen, pos)) != std::string::npos) {
    const size_t close = s->find(']', pos + kOpen.size());
    if (close == std::string::npos) break;
    const std::string name = s->substr(pos + kOpen.size(), close - pos - kOpen.size());
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      *unset = name;
      return false;
    }
    s->replace(pos, close + 1 - pos, value);
    pos += std::char_traits<char>::length(value);
  }
  return true;
}

bool FillAll(json& j, std::string* unset) {
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (!Fill(&s, unset)) return false;
    j = s;
  } else if (j.is_structured()) {
    for (auto& item : j) {
      if (!FillAll(item, unset)) return false;
    }
  }
  return true;
}

}  // namespace

bool FillSecretPlaceholders(std::string* json_text, std::string* err) {
  if (json_text->find("[secret:") == std::string::npos) return true;
  json j = json::parse(*json_text, nullptr, /*allow_exceptions=*/false);
  std::string unset;
  std::string text = *json_text;
  // A record that is not JSON was journaled as text: filled as text.
  if (j.is_discarded() ? !Fill(&text, &unset) : !FillAll(j, &unset)) {
    *err = "the journal record holds the secret " + unset + " as a placeholder, and " + unset +
           " is not set: set it to the value the run used (export " + unset + "=...) and run recover again";
    return false;
  }
  *json_text = j.is_discarded() ? text : Dump(j);
  return true;
}

bool IsSensitiveHeader(const std::string& name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const char* word : {"authorization", "cookie", "token", "secret", "password", "passwd",
                           "api-key", "api_key", "apikey", "session", "auth"}) {
    if (n.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string RedactHeadersInJson(const std::string& json_text) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return json_text;
  RedactHeaders(j);
  return j.dump();
}

}  // namespace sp::report
