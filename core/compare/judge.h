// Judging one rule on the two runs' readings of its metric.
//
// A change smaller than the runs' own noise must not fail a comparison, so where a run says how
// precisely it knows a value, the rule is judged on the most favourable reading the two runs
// allow: the baseline at the top of its confidence interval, the current run at the bottom of
// its own. Latency percentiles take the interval from the histogram (quantile_interval.h);
// rates take the Wilson score interval of errors out of requests. Means, maxima, throughput,
// recovery times and trips carry no interval: they are judged as measured, and the rule's
// allowance is their only margin (docs/compare.md says so).
#pragma once

#include <string>

#include "core/compare/report_reading.h"
#include "core/compare/rule.h"

namespace sp::compare {

enum class Verdict {
  kPassed,
  kRegressed,
  kSkipped,       // neither report has the metric (recovery_time in a plan without chaos)
  kIncomparable,  // one report has it and the other does not
};

struct Judgment {
  Rule rule;
  Reading baseline;
  Reading current;
  // The readings the rule was judged on (the favourable ends of the intervals, or the values)
  // and the worst current value the rule allows from that baseline.
  double judged_baseline = 0;
  double judged_current = 0;
  double limit = 0;
  // The intervals do not overlap: the change is larger than the runs' noise (false without
  // intervals).
  bool significant = false;
  bool has_interval = false;
  Verdict verdict = Verdict::kSkipped;
  std::string why;  // one line: what was compared with what
};

// `confidence` (0.5 < c < 1) is each interval's two-sided confidence, e.g. 0.99.
Judgment Judge(const Rule& rule, const Reading& baseline, const Reading& current,
               double confidence);

// The worst value `rule` lets the current run have, from the baseline's `base`.
double LimitFrom(const Rule& rule, double base);

// A rate's two-sided Wilson score interval at normal quantile z.
void WilsonInterval(double rate, uint64_t trials, double z, double* low, double* high);

// A value of the rule's metric for people: "412.3ms", "1.25%", "950.4/s", "2.10s", "never", "3".
std::string FormatValue(Metric m, double v);

const char* VerdictName(Verdict v);

}  // namespace sp::compare
