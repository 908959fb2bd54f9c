#include "core/plan/threshold.h"

#include <cctype>
#include <cmath>
#include <sstream>
#include <vector>

#include "core/plan/typed_value.h"
#include "core/plan/units.h"

namespace sp::plan {
namespace {

enum class Unit { Ms, Ratio, PerSecond, Count };

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool StatOk(const std::string& stat) {
  if (stat == "min" || stat == "max" || stat == "mean") return true;
  if (stat.size() < 2 || stat[0] != 'p') return false;
  double p = 0;
  return ParseFloatText(stat.substr(1), &p) && p > 0 && p <= 100;
}

// The unit a metric is measured in, or false if the metric is unknown.
bool MetricUnit(const std::string& m, Unit* unit) {
  auto family = [&](const std::string& prefix) { return m.rfind(prefix, 0) == 0 && m.size() > prefix.size(); };
  if (family("latency.") && StatOk(m.substr(8))) return *unit = Unit::Ms, true;
  if (family("service_time.") && StatOk(m.substr(13))) return *unit = Unit::Ms, true;
  if (m == "error_rate" || m == "checks") return *unit = Unit::Ratio, true;
  if (m == "rps") return *unit = Unit::PerSecond, true;
  if (m == "requests" || m == "errors" || m == "dropped") return *unit = Unit::Count, true;
  if (family("events.") || family("errors.") || family("status.")) return *unit = Unit::Count, true;
  // Chaos verdicts, judged at the end of the run (docs/chaos.md).
  if (m == "recovery_time" || m == "circuit.open_time") return *unit = Unit::Ms, true;
  if (m == "circuit.trips") return *unit = Unit::Count, true;
  return false;
}

bool ParseOp(const std::string& s, Threshold::Op* op) {
  if (s == "<") return *op = Threshold::Op::Lt, true;
  if (s == "<=") return *op = Threshold::Op::Le, true;
  if (s == ">") return *op = Threshold::Op::Gt, true;
  if (s == ">=") return *op = Threshold::Op::Ge, true;
  if (s == "==") return *op = Threshold::Op::Eq, true;
  if (s == "!=") return *op = Threshold::Op::Ne, true;
  return false;
}

bool ParseValue(const std::string& text, Unit unit, double* out, std::string* err) {
  switch (unit) {
    case Unit::Ms: {
      std::chrono::nanoseconds d{0};
      if (!ParseDuration(text, &d, err)) return false;
      *out = static_cast<double>(d.count()) / 1e6;
      return true;
    }
    case Unit::Ratio: {
      double v = 0;
      if (!text.empty() && text.back() == '%') {
        if (!ParseFloatText(text.substr(0, text.size() - 1), &v)) break;
        v /= 100.0;
      } else if (!ParseFloatText(text, &v)) {
        break;
      }
      if (v < 0 || v > 1) {
        *err = "a share must be between 0% and 100% (or 0 and 1), got \"" + text + "\"";
        return false;
      }
      *out = v;
      return true;
    }
    case Unit::PerSecond:
      return ParseRate(text, out, err);
    case Unit::Count: {
      if (ParseFloatText(text, out) && *out >= 0) return true;
      *err = "expected a count (a number >= 0), got \"" + text + "\"";
      return false;
    }
  }
  *err = "expected a share like 1% or 0.01, got \"" + text + "\"";
  return false;
}

}  // namespace

bool IsRunEndMetric(const std::string& metric) {
  return metric == "recovery_time" || metric == "circuit.trips" || metric == "circuit.open_time";
}

const char* ThresholdMetricHelp() {
  return "latency.<stat> or service_time.<stat> (stat: min, mean, max, p50, p95, p99, p99.9, ...), "
         "error_rate, checks, rps, requests, errors, dropped, events.<name>, errors.<type>, status.<code>, "
         "recovery_time, circuit.trips, circuit.open_time";
}

bool ParseThreshold(const std::string& text, Threshold* out, std::string* err) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.size() != 3 && !(words.size() == 5 && words[3] == "for")) {
    *err = "expected \"METRIC OP VALUE\" or \"METRIC OP VALUE for WINDOW\" (e.g. \"latency.p95 < 500ms\", "
           "\"error_rate < 1% for 10s\"), got \"" + Trim(text) + "\"";
    return false;
  }
  Unit unit;
  if (!MetricUnit(words[0], &unit)) {
    *err = "unknown metric \"" + words[0] + "\"; metrics are " + ThresholdMetricHelp();
    return false;
  }
  if (!ParseOp(words[1], &out->op)) {
    *err = "unknown comparison \"" + words[1] + "\"; use <, <=, >, >=, == or !=";
    return false;
  }
  std::string why;
  if (!ParseValue(words[2], unit, &out->value, &why)) {
    *err = words[0] + ": " + why;
    return false;
  }
  if (words.size() == 5) {
    if (IsRunEndMetric(words[0])) {
      *err = words[0] + " is judged once, at the end of the run; it cannot take \"for " + words[4] + "\"";
      return false;
    }
    if (!ParseDuration(words[4], &out->window, &why) || out->window.count() <= 0) {
      *err = "the window after \"for\" must be a duration > 0 like 10s" + (why.empty() ? "" : ": " + why);
      return false;
    }
    if (out->window.count() % 1'000'000'000 != 0) {
      *err = "the window after \"for\" is measured in whole seconds (snapshots are 1 s), got \"" + words[4] + "\"";
      return false;
    }
  }
  out->text = Trim(text);
  out->metric = words[0];
  out->value_text = words[2];
  return true;
}

}  // namespace sp::plan
