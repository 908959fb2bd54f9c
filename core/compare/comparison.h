// A whole comparison of two runs' reports: the rules judged (judge.h), and a table of every
// metric both reports have — overall, per request step, per stage and per workload — with the
// change, for people to read around the verdicts.
#pragma once

#include <string>
#include <vector>

#include "core/compare/judge.h"
#include "core/compare/report_reading.h"
#include "core/compare/rule.h"

namespace sp::compare {

struct TableRow {
  Rule probe;  // which metric of which scope (its allowance is unused)
  Reading baseline;
  Reading current;
};

struct Comparison {
  std::string baseline_path;
  std::string current_path;
  std::string rules_from;  // "--rule", "the plan's compare:" or "the defaults"
  double confidence = 0.99;
  std::vector<Judgment> judgments;
  std::vector<TableRow> table;

  bool regressed() const;     // a rule regressed
  bool incomparable() const;  // a rule's metric is in one report only
};

Comparison Compare(const LoadedReport& baseline, const LoadedReport& current,
                   const std::vector<Rule>& rules, double confidence);

// "+4.1%", "-12.0%", "+0.210pp", "+1.2ms", "=": the change from a to b, for the table.
std::string ChangeText(Metric m, double a, double b);

}  // namespace sp::compare
