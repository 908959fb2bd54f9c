#include "core/compare/judge.h"

#include <cmath>
#include <cstdio>

#include "core/compare/quantile_interval.h"

namespace sp::compare {
namespace {

bool IsTime(Metric m) {
  return m == Metric::kLatency || m == Metric::kServiceTime || m == Metric::kRecoveryTime;
}
bool IsRate(Metric m) { return m == Metric::kErrorRate || m == Metric::kErrorKind; }

// The favourable ends of both readings' intervals, when both have one.
bool Intervals(const Rule& rule, const Reading& b, const Reading& c, double confidence,
               Judgment* j) {
  const bool worse_is_up = rule.worse_is_up;
  if (b.histogram && c.histogram && rule.percentile > 0) {
    const QuantileInterval ib = IntervalOf(*b.histogram, rule.percentile, confidence);
    const QuantileInterval ic = IntervalOf(*c.histogram, rule.percentile, confidence);
    j->judged_baseline = static_cast<double>(ib.high) / 1e9;
    j->judged_current = static_cast<double>(ic.low) / 1e9;
    j->significant = ic.low > ib.high;
    return true;
  }
  if (IsRate(rule.metric) && b.requests > 0 && c.requests > 0 && worse_is_up) {
    const double z = TwoSidedZ(confidence);
    double b_low = 0, b_high = 0, c_low = 0, c_high = 0;
    WilsonInterval(b.value, b.requests, z, &b_low, &b_high);
    WilsonInterval(c.value, c.requests, z, &c_low, &c_high);
    j->judged_baseline = b_high;
    j->judged_current = c_low;
    j->significant = c_low > b_high;
    return true;
  }
  return false;
}

std::string Describe(const Judgment& j) {
  const Metric m = j.rule.metric;
  std::string s = "baseline " + FormatValue(m, j.baseline.value) + ", current " +
                  FormatValue(m, j.current.value);
  if (j.has_interval) {
    s += "; judged on " + FormatValue(m, j.judged_current) +
         " (the current run's low end) "
         "against " +
         FormatValue(m, j.limit) + " (allowed from the baseline's high end, " +
         FormatValue(m, j.judged_baseline) + ")";
    s += j.significant ? "; the change is larger than the runs' noise"
                       : "; the change is within the runs' noise";
  } else {
    s += "; allowed " + std::string(j.rule.worse_is_up ? "up to " : "down to ") +
         FormatValue(m, j.limit);
  }
  return s;
}

}  // namespace

void WilsonInterval(double rate, uint64_t trials, double z, double* low, double* high) {
  if (trials == 0) {
    *low = 0, *high = 1;
    return;
  }
  const double n = static_cast<double>(trials);
  const double z2 = z * z;
  const double centre = (rate + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(rate * (1 - rate) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  *low = std::max(0.0, centre - half);
  *high = std::min(1.0, centre + half);
}

double LimitFrom(const Rule& rule, double base) {
  const double sign = rule.worse_is_up ? 1 : -1;
  switch (rule.allowance) {
    case Allowance::kRelative: return base * (1 + sign * rule.amount / 100);
    case Allowance::kPoints: return base + sign * rule.amount / 100;
    case Allowance::kSeconds:
    case Allowance::kCount: return base + sign * rule.amount;
  }
  return base;
}

Judgment Judge(const Rule& rule, const Reading& baseline, const Reading& current,
               double confidence) {
  Judgment j;
  j.rule = rule;
  j.baseline = baseline;
  j.current = current;
  if (!baseline.present || !current.present) {
    j.verdict = baseline.present == current.present ? Verdict::kSkipped : Verdict::kIncomparable;
    j.why = std::string(!baseline.present && !current.present ? "neither report has"
                        : !baseline.present                   ? "the baseline has no"
                                                              : "the current run has no") +
            " " + MetricName(rule) +
            (rule.scope.kind == ScopeKind::kRun ? "" : " for " + ScopeText(rule.scope));
    return j;
  }
  j.has_interval = Intervals(rule, baseline, current, confidence, &j);
  if (!j.has_interval) {
    j.judged_baseline = baseline.value;
    j.judged_current = current.value;
  }
  j.limit = LimitFrom(rule, j.judged_baseline);
  const bool regressed = rule.worse_is_up ? j.judged_current > j.limit : j.judged_current < j.limit;
  // Infinity (never recovered) against infinity: no worse than the baseline.
  const bool both_never = std::isinf(j.judged_current) && std::isinf(j.judged_baseline);
  j.verdict = regressed && !both_never ? Verdict::kRegressed : Verdict::kPassed;
  j.why = Describe(j);
  return j;
}

std::string FormatValue(Metric m, double v) {
  char buf[64];
  if (std::isinf(v)) return IsTime(m) ? "never" : "inf";
  if (IsTime(m)) {
    if (v < 1) {
      std::snprintf(buf, sizeof buf, "%.2fms", v * 1e3);
    } else {
      std::snprintf(buf, sizeof buf, "%.3fs", v);
    }
  } else if (IsRate(m)) {
    std::snprintf(buf, sizeof buf, "%.3f%%", v * 100);
  } else if (m == Metric::kThroughput) {
    std::snprintf(buf, sizeof buf, "%.1f/s", v);
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPassed: return "passed";
    case Verdict::kRegressed: return "regressed";
    case Verdict::kSkipped: return "skipped";
    case Verdict::kIncomparable: return "incomparable";
  }
  return "?";
}

}  // namespace sp::compare
