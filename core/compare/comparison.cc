#include "core/compare/comparison.h"

#include <cmath>
#include <cstdio>
#include <set>

namespace sp::compare {
namespace {

using nlohmann::json;

Rule Probe(Metric m, const std::string& stat, double percentile, const Scope& scope) {
  Rule r;
  r.metric = m;
  r.stat = stat;
  r.percentile = percentile;
  r.worse_is_up = m != Metric::kThroughput;
  r.scope = scope;
  return r;
}

// The names (or indexes) of summary[list]'s entries, in either report, in first-seen order.
std::vector<std::string> Names(const LoadedReport& a, const LoadedReport& b, const char* list,
                               const char* key) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const LoadedReport* r : {&a, &b}) {
    const json& entries = r->doc["summary"].value(list, json::array());
    if (!entries.is_array()) continue;
    for (const json& e : entries) {
      if (!e.is_object() || !e.contains(key)) continue;
      const json& k = e[key];
      const std::string name = k.is_string() ? k.get<std::string>() : k.dump();
      if (seen.insert(name).second) names.push_back(name);
    }
  }
  return names;
}

// Error kinds either run saw.
std::vector<std::string> ErrorKinds(const LoadedReport& a, const LoadedReport& b) {
  std::set<std::string> kinds;
  for (const LoadedReport* r : {&a, &b}) {
    const json& by = r->doc["summary"].value("errors_by_type", json::object());
    if (!by.is_object()) continue;
    for (const auto& [kind, n] : by.items()) {
      if (n.is_number() && n.get<double>() > 0) kinds.insert(kind);
    }
  }
  return {kinds.begin(), kinds.end()};
}

std::vector<Rule> TableProbes(const LoadedReport& a, const LoadedReport& b) {
  std::vector<Scope> scopes = {Scope{}};
  for (const auto& n : Names(a, b, "requests_by_name", "name"))
    scopes.push_back({ScopeKind::kRequest, n});
  for (const auto& n : Names(a, b, "stages", "index")) scopes.push_back({ScopeKind::kStage, n});
  for (const auto& n : Names(a, b, "workloads", "name"))
    scopes.push_back({ScopeKind::kWorkload, n});
  std::vector<Rule> probes;
  for (const Scope& s : scopes) {
    for (double p : {50.0, 95.0, 99.0}) {
      probes.push_back(Probe(Metric::kLatency, "p" + std::to_string(static_cast<int>(p)), p, s));
    }
    if (s.kind == ScopeKind::kRun) {
      probes.push_back(Probe(Metric::kServiceTime, "p95", 95, s));
      probes.push_back(Probe(Metric::kServiceTime, "p99", 99, s));
    }
    probes.push_back(Probe(Metric::kErrorRate, "", 0, s));
    probes.push_back(Probe(Metric::kThroughput, "", 0, s));
  }
  for (const auto& kind : ErrorKinds(a, b))
    probes.push_back(Probe(Metric::kErrorKind, kind, 0, {}));
  probes.push_back(Probe(Metric::kRecoveryTime, "", 0, {}));
  probes.push_back(Probe(Metric::kCircuitTrips, "", 0, {}));
  return probes;
}

}  // namespace

bool Comparison::regressed() const {
  for (const Judgment& j : judgments) {
    if (j.verdict == Verdict::kRegressed) return true;
  }
  return false;
}

bool Comparison::incomparable() const {
  for (const Judgment& j : judgments) {
    if (j.verdict == Verdict::kIncomparable) return true;
  }
  return false;
}

Comparison Compare(const LoadedReport& baseline, const LoadedReport& current,
                   const std::vector<Rule>& rules, double confidence) {
  Comparison c;
  c.baseline_path = baseline.path;
  c.current_path = current.path;
  c.confidence = confidence;
  for (const Rule& r : rules) {
    c.judgments.push_back(Judge(r, Read(baseline, r), Read(current, r), confidence));
  }
  for (const Rule& probe : TableProbes(baseline, current)) {
    TableRow row{probe, Read(baseline, probe), Read(current, probe)};
    if (!row.baseline.present && !row.current.present) continue;
    row.baseline.histogram.reset();  // the table keeps values only
    row.current.histogram.reset();
    c.table.push_back(std::move(row));
  }
  return c;
}

std::string ChangeText(Metric m, double a, double b) {
  if (std::isinf(a) || std::isinf(b)) return a == b ? "=" : "n/a";
  if (a == b) return "=";
  char buf[48];
  if (m == Metric::kErrorRate || m == Metric::kErrorKind) {
    std::snprintf(buf, sizeof buf, "%+.3fpp", (b - a) * 100);
  } else if (m == Metric::kCircuitTrips) {
    std::snprintf(buf, sizeof buf, "%+g", b - a);
  } else if (a == 0) {
    return "n/a";
  } else {
    std::snprintf(buf, sizeof buf, "%+.1f%%", (b - a) / a * 100);
  }
  return buf;
}

}  // namespace sp::compare
