#include "core/compare/comparison_output.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "lib/xml/xml_text.h"

namespace sp::compare {
namespace {

using nlohmann::json;

std::string RuleTitle(const Judgment& j) { return j.rule.text; }

std::string ScopeLabel(const Scope& s) { return s.kind == ScopeKind::kRun ? "run" : ScopeText(s); }

// JSON has no infinity: a time never reached is null.
json Number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json ReadingJson(const Reading& r) {
  if (!r.present) return nullptr;
  json out = {{"value", Number(r.value)}};
  if (r.requests > 0) out["requests"] = r.requests;
  return out;
}

void PrintTable(FILE* out, const Comparison& c) {
  std::fprintf(out, "\n%-28s %-18s %14s %14s %10s\n", "scope", "metric", "baseline", "current",
               "change");
  for (const TableRow& row : c.table) {
    const Metric m = row.probe.metric;
    auto cell = [m](const Reading& r) { return r.present ? FormatValue(m, r.value) : "-"; };
    const std::string change = row.baseline.present && row.current.present
                                   ? ChangeText(m, row.baseline.value, row.current.value)
                                   : "";
    std::fprintf(out, "%-28s %-18s %14s %14s %10s\n", ScopeLabel(row.probe.scope).c_str(),
                 MetricName(row.probe).c_str(), cell(row.baseline).c_str(),
                 cell(row.current).c_str(), change.c_str());
  }
}

bool WriteFile(const std::filesystem::path& path, const std::string& text, std::string* err) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      *err = tmp.string() + ": cannot be written";
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    *err = path.string() + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace

void PrintComparison(FILE* out, const Comparison& c) {
  std::fprintf(out, "baseline: %s\ncurrent:  %s\nrules (%s, %.0f%% intervals):\n",
               c.baseline_path.c_str(), c.current_path.c_str(), c.rules_from.c_str(),
               c.confidence * 100);
  for (const Judgment& j : c.judgments) {
    const char* mark = j.verdict == Verdict::kPassed      ? "PASS"
                       : j.verdict == Verdict::kRegressed ? "FAIL"
                       : j.verdict == Verdict::kSkipped   ? "SKIP"
                                                          : "N/A ";
    std::fprintf(out, "  %s  %-40s %s\n", mark, RuleTitle(j).c_str(), j.why.c_str());
  }
  PrintTable(out, c);
  std::fprintf(out, "\n%s\n",
               c.incomparable() ? "NOT COMPARABLE: a rule's metric is in one report only"
               : c.regressed()  ? "REGRESSED"
                                : "PASSED: no rule regressed");
}

std::string ComparisonJson(const Comparison& c) {
  json rules = json::array();
  for (const Judgment& j : c.judgments) {
    rules.push_back({{"rule", j.rule.text},
                     {"metric", MetricName(j.rule)},
                     {"scope", ScopeLabel(j.rule.scope)},
                     {"verdict", VerdictName(j.verdict)},
                     {"baseline", ReadingJson(j.baseline)},
                     {"current", ReadingJson(j.current)},
                     {"judged_baseline", Number(j.judged_baseline)},
                     {"judged_current", Number(j.judged_current)},
                     {"limit", Number(j.limit)},
                     {"interval", j.has_interval},
                     {"significant", j.significant},
                     {"why", j.why}});
  }
  json table = json::array();
  for (const TableRow& row : c.table) {
    table.push_back({{"scope", ScopeLabel(row.probe.scope)},
                     {"metric", MetricName(row.probe)},
                     {"baseline", ReadingJson(row.baseline)},
                     {"current", ReadingJson(row.current)}});
  }
  const char* verdict = c.incomparable() ? "incomparable" : c.regressed() ? "regressed" : "passed";
  const json d = {{"type", "comparison"},
                  {"schema_version", 1},
                  {"baseline", c.baseline_path},
                  {"current", c.current_path},
                  {"rules_from", c.rules_from},
                  {"confidence", c.confidence},
                  {"verdict", verdict},
                  {"rules", rules},
                  {"table", table}};
  return d.dump(2) + "\n";
}

std::string ComparisonJunit(const Comparison& c) {
  int failures = 0, errors = 0, skipped = 0;
  std::string cases;
  for (const Judgment& j : c.judgments) {
    cases += "    <testcase name=\"" + xml::XmlAttr(j.rule.text) +
             "\" classname=\"stressplan.compare." + xml::XmlAttr(ScopeLabel(j.rule.scope)) + "\"";
    switch (j.verdict) {
      case Verdict::kPassed: cases += "/>\n"; continue;
      case Verdict::kSkipped:
        ++skipped;
        cases += ">\n      <skipped message=\"" + xml::XmlAttr(j.why) + "\"/>\n    </testcase>\n";
        continue;
      case Verdict::kRegressed: ++failures; break;
      case Verdict::kIncomparable: ++errors; break;
    }
    const bool failed = j.verdict == Verdict::kRegressed;
    const char* element = failed ? "failure" : "error";
    cases += ">\n      <" + std::string(element) + " type=\"" +
             (failed ? "regression" : "incomparable") + "\" message=\"" + xml::XmlAttr(j.why) +
             "\">" + xml::XmlText(j.why) + "</" + element + ">\n    </testcase>\n";
  }
  // <testsuites> takes no `skipped` in Jenkins' junit-10.xsd; <testsuite> does.
  const std::string counts = "tests=\"" + std::to_string(c.judgments.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                             "\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"stressplan compare\" " +
         counts + ">\n  <testsuite name=\"stressplan compare\" " + counts + " skipped=\"" +
         std::to_string(skipped) + "\" time=\"0\">\n" + cases + "  </testsuite>\n</testsuites>\n";
}

bool WriteComparison(const std::string& dir, const Comparison& c, std::string* err) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *err = dir + ": " + ec.message();
    return false;
  }
  const std::filesystem::path d(dir);
  return WriteFile(d / "compare.json", ComparisonJson(c), err) &&
         WriteFile(d / "compare-junit.xml", ComparisonJunit(c), err);
}

}  // namespace sp::compare
