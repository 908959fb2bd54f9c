// `stressplan compare BASELINE CURRENT`: two runs' reports judged rule by rule (core/compare),
// with a table of every metric; exit 0 passed, 1 a rule regressed, 2 the reports or the rules
// cannot be compared. docs/compare.md.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include "core/cli/arguments.h"
#include "core/cli/commands.h"
#include "core/compare/comparison.h"
#include "core/compare/comparison_output.h"
#include "core/exit_codes.h"

namespace sp::cli {
namespace {

using Poco::Util::Option;
using Poco::Util::OptionSet;

int Usage(const std::string& message) {
  std::fprintf(stderr, "stressplan compare: %s\n", message.c_str());
  return kExitUsage;
}

// The rules' texts: --rule, else the plan's `compare:` as the current run's report carries it
// (run_start.compare), else the defaults.
std::vector<std::string> RuleTexts(const ParsedArguments& a, const compare::LoadedReport& current,
                                   std::string* from) {
  if (a.has("rule")) {
    *from = "--rule";
    return a.options.at("rule");
  }
  const nlohmann::json& run = current.doc.value("run", nlohmann::json::object());
  const nlohmann::json& planned =
      run.is_object() ? run.value("compare", nlohmann::json()) : nlohmann::json();
  if (planned.is_array() && !planned.empty()) {
    std::vector<std::string> texts;
    for (const auto& t : planned) {
      if (t.is_string()) texts.push_back(t.get<std::string>());
    }
    *from = "the plan's compare:";
    return texts;
  }
  *from = "the defaults";
  return compare::DefaultRules();
}

bool ParseConfidence(const ParsedArguments& a, double* out, std::string* err) {
  if (!a.has("confidence")) return true;
  const std::string text = a.last("confidence");
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(*out >= 0.5 && *out < 1)) {
    *err = "--confidence must be a number from 0.5 to below 1 (e.g. 0.99), got \"" + text + "\"";
    return false;
  }
  return true;
}

}  // namespace

int CompareCommand(const std::vector<std::string>& args) {
  OptionSet set;
  set.addOption(Option("rule", "",
                       "a rule to judge, e.g. \"latency.p95 +10%\" (repeatable; replaces the "
                       "plan's and the defaults)")
                    .argument("EXPR")
                    .repeatable(true));
  set.addOption(Option("report", "", "also write compare.json and compare-junit.xml into DIR")
                    .argument("DIR"));
  set.addOption(Option("confidence", "", "the confidence of each run's intervals (default 0.99)")
                    .argument("C"));
  ParsedArguments a;
  std::string err;
  if (!ParseArguments(args, set, &a, &err)) return Usage(err);
  if (a.help) {
    PrintHelp(set, "compare", "BASELINE CURRENT [options]",
              "Compares two runs' JSON reports (files or report folders) rule by rule and metric "
              "by metric.",
              "0 no rule regressed, 1 a rule regressed, 2 usage error, or reports or rules that "
              "cannot be "
              "compared");
    return kExitPassed;
  }
  if (a.positional.size() != 2) {
    return Usage(
        "expects two reports, BASELINE and CURRENT (report.json files or report folders); got " +
        std::to_string(a.positional.size()));
  }
  double confidence = 0.99;
  if (!ParseConfidence(a, &confidence, &err)) return Usage(err);
  compare::LoadedReport baseline, current;
  if (!compare::LoadReport(a.positional[0], &baseline, &err) ||
      !compare::LoadReport(a.positional[1], &current, &err)) {
    return Usage(err);
  }
  if (!compare::Comparable(baseline, current, &err)) return Usage("cannot compare: " + err);
  std::string from;
  std::vector<compare::Rule> rules;
  for (const std::string& text : RuleTexts(a, current, &from)) {
    compare::Rule r;
    if (!compare::ParseRule(text, &r, &err))
      return Usage((from == "--rule" ? "--rule: " : "") + err);
    rules.push_back(std::move(r));
  }
  compare::Comparison c = compare::Compare(baseline, current, rules, confidence);
  c.rules_from = from;
  compare::PrintComparison(stdout, c);
  if (a.has("report") && !compare::WriteComparison(a.last("report"), c, &err)) {
    std::fprintf(stderr, "stressplan compare: %s\n", err.c_str());
    return kExitRuntime;
  }
  if (c.incomparable()) return kExitUsage;
  return c.regressed() ? kExitFailed : kExitPassed;
}

}  // namespace sp::cli
