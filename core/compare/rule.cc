#include "core/compare/rule.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <sstream>

#include "core/metrics/recorder.h"
#include "core/plan/suggest.h"

namespace sp::compare {
namespace {

const char* const kSimpleMetrics[] = {"error_rate", "throughput_rps", "recovery_time",
                                      "circuit.trips"};

std::vector<std::string> MetricExamples() {
  std::vector<std::string> names = {"latency.p95", "latency.mean", "latency.max",
                                    "service_time.p95"};
  for (const char* m : kSimpleMetrics) names.emplace_back(m);
  for (int k = 1; k < metrics::kErrorKinds; ++k) {
    names.push_back(std::string("errors.") + metrics::ErrorKindName(k));
  }
  return names;
}

bool UnknownMetric(const std::string& name, std::string* err) {
  *err = "unknown metric \"" + name + "\"" + plan::DidYouMean(name, MetricExamples()) +
         "; metrics: latency.STAT, service_time.STAT (STAT: pNN, mean, max), error_rate, "
         "errors.KIND, throughput_rps, recovery_time, circuit.trips";
  return false;
}

// "p95", "p99.9", "mean", "max" -> the stat (and its percentile).
bool ParseStat(const std::string& metric, const std::string& stat, Rule* out, std::string* err) {
  out->stat = stat;
  if (stat == "mean" || stat == "max") return true;
  if (stat.size() > 1 && stat[0] == 'p') {
    char* end = nullptr;
    const double p = std::strtod(stat.c_str() + 1, &end);
    if (*end == '\0' && std::isdigit(static_cast<unsigned char>(stat[1])) && p > 0 && p < 100) {
      out->percentile = p;
      return true;
    }
  }
  *err = "\"" + metric +
         "\": the statistic must be pNN (a percentile above 0 and below 100, "
         "such as p95 or p99.9), mean or max";
  return false;
}

bool ParseMetric(const std::string& name, Rule* out, std::string* err) {
  const size_t dot = name.find('.');
  const std::string head = name.substr(0, dot);
  const std::string tail = dot == std::string::npos ? "" : name.substr(dot + 1);
  if ((head == "latency" || head == "service_time") && dot != std::string::npos) {
    out->metric = head == "latency" ? Metric::kLatency : Metric::kServiceTime;
    return ParseStat(name, tail, out, err);
  }
  if (head == "errors" && dot != std::string::npos) {
    for (int k = 1; k < metrics::kErrorKinds; ++k) {
      if (tail == metrics::ErrorKindName(k)) {
        out->metric = Metric::kErrorKind;
        out->stat = tail;
        return true;
      }
    }
    return UnknownMetric(name, err);
  }
  const Metric simple[] = {Metric::kErrorRate, Metric::kThroughput, Metric::kRecoveryTime,
                           Metric::kCircuitTrips};
  for (size_t i = 0; i < std::size(simple); ++i) {
    if (name == kSimpleMetrics[i]) {
      out->metric = simple[i];
      out->worse_is_up = simple[i] != Metric::kThroughput;
      return true;
    }
  }
  return UnknownMetric(name, err);
}

// "+10%", "-5%", "+0.5pp", "+2s", "+20ms", "+3": sign, amount and allowance.
bool ParseChange(const std::string& text, bool* up, Allowance* allowance, double* amount,
                 std::string* err) {
  const char* why = "the change must be a sign and an amount: +10%, +0.5pp, +2s, +20ms or +3";
  if (text.size() < 2 || (text[0] != '+' && text[0] != '-')) {
    *err = "\"" + text + "\": " + why;
    return false;
  }
  *up = text[0] == '+';
  char* end = nullptr;
  const double v = std::strtod(text.c_str() + 1, &end);
  const std::string unit = end;
  if (end == text.c_str() + 1 || !std::isfinite(v) || v < 0 ||
      !std::isdigit(static_cast<unsigned char>(text[1]))) {
    *err = "\"" + text + "\": " + why;
    return false;
  }
  *amount = v;
  if (unit == "%") {
    *allowance = Allowance::kRelative;
  } else if (unit == "pp") {
    *allowance = Allowance::kPoints;
  } else if (unit == "s" || unit == "ms" || unit == "us") {
    *allowance = Allowance::kSeconds;
    *amount = unit == "s" ? v : unit == "ms" ? v / 1e3 : v / 1e6;
  } else if (unit.empty()) {
    *allowance = Allowance::kCount;
  } else {
    *err = "\"" + text + "\": unknown unit \"" + unit + "\" (%, pp, s, ms, us, or none)";
    return false;
  }
  return true;
}

// Whether the metric can be judged with that allowance, and which sign is its worse side.
bool CheckChange(const Rule& r, bool up, std::string* err) {
  const std::string metric = MetricName(r);
  bool fits = false;
  const char* allowed = "";
  switch (r.metric) {
    case Metric::kLatency:
    case Metric::kServiceTime:
    case Metric::kRecoveryTime:
      fits = r.allowance == Allowance::kRelative || r.allowance == Allowance::kSeconds;
      allowed = "a share (+10%) or a time (+20ms, +2s)";
      break;
    case Metric::kErrorRate:
    case Metric::kErrorKind:
      fits = r.allowance == Allowance::kRelative || r.allowance == Allowance::kPoints;
      allowed = "percentage points (+0.5pp) or a share of the baseline's rate (+10%)";
      break;
    case Metric::kThroughput:
      fits = r.allowance == Allowance::kRelative || r.allowance == Allowance::kCount;
      allowed = "a share (-5%) or requests per second (-100)";
      break;
    case Metric::kCircuitTrips:
      fits = r.allowance == Allowance::kCount;
      allowed = "a number of trips (+0, +2)";
      break;
  }
  if (!fits) {
    *err = metric + " takes " + allowed;
    return false;
  }
  if (up != r.worse_is_up) {
    *err = metric + (r.worse_is_up ? " regresses by rising: write the allowed rise with +"
                                   : " regresses by falling: write the allowed fall with -");
    return false;
  }
  return true;
}

bool ParseScope(const std::string& text, const Rule& r, Scope* out, std::string* err) {
  const size_t colon = text.find(':');
  const std::string kind = text.substr(0, colon);
  out->name = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (kind == "request") out->kind = ScopeKind::kRequest;
  if (kind == "stage") out->kind = ScopeKind::kStage;
  if (kind == "workload") out->kind = ScopeKind::kWorkload;
  if (out->kind == ScopeKind::kRun || out->name.empty()) {
    *err = "\"" + text +
           "\": the scope must be request:SCENARIO/REQUEST, stage:INDEX or "
           "workload:NAME";
    return false;
  }
  if (out->kind == ScopeKind::kStage &&
      out->name.find_first_not_of("0123456789") != std::string::npos) {
    *err = "\"" + text + "\": a stage is named by its index (stage:0, stage:1, ...)";
    return false;
  }
  if (r.metric == Metric::kRecoveryTime || r.metric == Metric::kCircuitTrips) {
    *err = MetricName(r) + " belongs to the whole run: it takes no scope";
    return false;
  }
  return true;
}

}  // namespace

bool ParseRule(std::string_view text, Rule* out, std::string* err) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  Rule r;
  for (const std::string& w : words) r.text += (r.text.empty() ? "" : " ") + w;
  std::string why;
  bool up = true;
  const bool ok = words.size() >= 2 && words.size() <= 3 && ParseMetric(words[0], &r, &why) &&
                  ParseChange(words[1], &up, &r.allowance, &r.amount, &why) &&
                  CheckChange(r, up, &why) &&
                  (words.size() == 2 || ParseScope(words[2], r, &r.scope, &why));
  if (!ok) {
    if (why.empty()) {
      why =
          "a rule is METRIC CHANGE [SCOPE], e.g. \"latency.p95 +10%\" or "
          "\"error_rate +0.5pp request:shop/login\"";
    }
    *err = "rule \"" + r.text + "\": " + why;
    return false;
  }
  *out = std::move(r);
  return true;
}

bool CheckPlanRules(const plan::Plan& plan, plan::Diagnostics* errors) {
  bool ok = true;
  for (const plan::CompareRuleText& t : plan.compare) {
    Rule r;
    std::string err;
    if (!ParseRule(t.text, &r, &err)) ok = plan::AddError(errors, t.loc, t.key, err);
  }
  return ok;
}

std::vector<std::string> DefaultRules() {
  return {"latency.p95 +10%", "latency.p99 +20%", "error_rate +0.5pp", "throughput_rps -5%",
          "recovery_time +2s"};
}

std::string MetricName(const Rule& r) {
  switch (r.metric) {
    case Metric::kLatency: return "latency." + r.stat;
    case Metric::kServiceTime: return "service_time." + r.stat;
    case Metric::kErrorRate: return "error_rate";
    case Metric::kErrorKind: return "errors." + r.stat;
    case Metric::kThroughput: return "throughput_rps";
    case Metric::kRecoveryTime: return "recovery_time";
    case Metric::kCircuitTrips: return "circuit.trips";
  }
  return "";
}

std::string ScopeText(const Scope& s) {
  switch (s.kind) {
    case ScopeKind::kRun: return "";
    case ScopeKind::kRequest: return "request " + s.name;
    case ScopeKind::kStage: return "stage " + s.name;
    case ScopeKind::kWorkload: return "workload " + s.name;
  }
  return "";
}

}  // namespace sp::compare
