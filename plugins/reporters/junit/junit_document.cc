#include "plugins/reporters/junit/junit_document.h"

#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "plugins/reporters/common/document_fields.h"
#include "lib/xml/xml_text.h"

namespace sp::junit {
namespace {

using xml::XmlAttr;
using xml::XmlText;

using nlohmann::json;

// Fields of a document, read defensively (common/document_fields.h).
using sp::reporters::Field;
using sp::reporters::Number;
using sp::reporters::Text;

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A number as people write it: "123.4", "0.25", "12000" (up to 6 significant digits).
std::string Plain(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string Count(const json& j, const char* key) {
  std::optional<double> v = Number(j, key);
  return v ? Fixed(*v, 0) : "?";
}

std::string Join(const json& list, const char* separator) {
  std::string out;
  if (!list.is_array()) return out;
  for (const json& item : list) {
    if (!item.is_string()) continue;
    if (!out.empty()) out += separator;
    out += item.get<std::string>();
  }
  return out;
}

enum class Outcome { kPassed, kFailure, kError, kSkipped };

struct Case {
  std::string name;
  std::string classname;
  std::optional<double> time;
  Outcome outcome = Outcome::kPassed;
  std::string type;     // failure/error/skipped type attribute
  std::string message;  // one line
  std::string text;     // the details, several lines

  Case(std::string name_, std::string classname_)
      : name(std::move(name_)), classname(std::move(classname_)) {}
};

// SUREFIRE_TIME in junit-10.xsd: digits, a dot, digits; never negative or in exponent form.
std::string XsdTime(double seconds) { return Fixed(seconds > 0 ? seconds : 0.0, 3); }

Case RunCase(const SuiteInput& in, const std::string& suite) {
  Case c("run", suite);
  const json& s = in.summary;
  if (!s.is_object()) {
    c.outcome = Outcome::kError;
    c.type = "incomplete";
    c.message = "the run ended without a summary: no results to judge";
    c.text = c.message + "\n";
    return c;
  }
  c.time = Number(s, "duration_s");
  const std::string status = Text(s, "status");
  const std::string reason = Text(s, "status_reason");
  const json& trustworthy = Field(s, "trustworthy");
  const bool untrustworthy = trustworthy.is_boolean() && !trustworthy.get<bool>();
  std::string reasons = Join(Field(s, "untrustworthy_reasons"), "; ");
  if (reasons.empty()) reasons = "the generator could not keep up with the plan";

  c.text = "status: " + (status.empty() ? std::string("(none)") : status) + "\n";
  if (!reason.empty()) c.text += "reason: " + reason + "\n";
  if (untrustworthy) {
    c.text += "untrustworthy: the generator could not keep up with the plan\n";
    const json& list = Field(s, "untrustworthy_reasons");
    if (list.is_array()) {
      for (const json& r : list) {
        if (r.is_string()) c.text += "  - " + r.get<std::string>() + "\n";
      }
    }
  }
  const std::string why = reason.empty() ? "" : ": " + reason;
  if (status == "aborted") {
    c.outcome = Outcome::kFailure;
    c.type = "aborted";
    c.message = "the run was aborted" + why;
  } else if (status == "interrupted") {
    c.outcome = Outcome::kError;
    c.type = "interrupted";
    c.message = "the run was interrupted" + why;
  } else if (status != "completed") {
    c.outcome = Outcome::kError;
    c.type = "status";
    c.message = "the run ended with an unknown status \"" + status + "\"";
  } else if (untrustworthy) {
    c.outcome = Outcome::kFailure;
    c.type = "untrustworthy";
    c.message = "untrustworthy results: " + reasons;
  }
  return c;
}

Case ThresholdCase(const json& t, size_t index, const std::string& suite) {
  Case c(Text(t, "name"), suite + ".thresholds");
  const std::string metric = Text(t, "metric");
  const std::string scope = Text(t, "scope");
  const std::string expected = Text(t, "expected");
  // The document's name already carries the scope ("error_rate < 1% [s/r]"); a name made
  // up here from the metric gets it added, once.
  const std::string scope_suffix = scope.empty() ? "" : " [" + scope + "]";
  if (c.name.empty()) {
    c.name = metric.empty() ? "threshold " + std::to_string(index + 1) : metric + " " + expected;
  }
  if (!c.name.ends_with(scope_suffix)) c.name += scope_suffix;

  std::string observed = Text(t, "observed_text");
  if (observed.empty()) {
    std::optional<double> v = Number(t, "observed");
    observed = v ? Plain(*v) : "no data";
  }
  const std::string location = Text(t, "location");
  c.text = "threshold: " + Text(t, "name") + "\n";
  if (!scope.empty()) c.text += "scope: " + scope + "\n";
  c.text += "observed: " + observed + "\nexpected: " + expected + "\n";
  if (!location.empty()) c.text += "defined at: " + location + "\n";

  const json& passed = Field(t, "passed");
  const json& skipped = Field(t, "skipped");
  if (skipped.is_boolean() && skipped.get<bool>()) {
    const std::string reason = Text(t, "skip_reason");
    c.outcome = Outcome::kSkipped;
    c.type = "skipped";
    c.message = "not judged in this run" + (reason.empty() ? std::string() : ": " + reason);
    c.text += "skipped: " + (reason.empty() ? std::string("no reason given") : reason) + "\n";
  } else if (!passed.is_boolean()) {
    c.outcome = Outcome::kSkipped;
    c.type = "not_evaluated";
    c.message = "the threshold was not evaluated";
  } else if (!passed.get<bool>()) {
    c.outcome = Outcome::kFailure;
    c.type = "threshold";
    c.message = (metric.empty() ? c.name : metric) + (scope.empty() ? "" : " of " + scope) + " was " +
                observed + ", expected " + expected;
  }
  return c;
}

Case ExperimentCase(const json& e, size_t index, const std::string& suite) {
  Case c(Text(e, "name"), suite + ".experiments");
  if (c.name.empty()) c.name = "experiment " + std::to_string(index + 1);
  const std::string outcome = Text(e, "outcome");
  const std::string message = Text(e, "message");
  const json& deviated_field = Field(e, "deviated");
  const bool deviated = deviated_field.is_boolean() && deviated_field.get<bool>();
  const json& window = Field(e, "window");
  std::optional<double> start = Number(window, "start_s"), end = Number(window, "end_s");
  if (start && end && *end >= *start) c.time = *end - *start;

  c.text = "outcome: " + (outcome.empty() ? std::string("(none)") : outcome) + "\n";
  c.text += std::string("deviated: ") + (deviated ? "true" : "false") + "\n";
  if (start && end) c.text += "window: " + Fixed(*start, 1) + "s to " + Fixed(*end, 1) + "s\n";
  if (!message.empty()) c.text += message + "\n";
  const std::string detail = message.empty() ? "" : ": " + message;
  if (outcome == "failed" || outcome == "aborted") {
    c.outcome = Outcome::kFailure;
    c.type = outcome;
    c.message = "experiment " + outcome + detail;
  } else if (outcome == "skipped") {
    c.outcome = Outcome::kSkipped;
    c.message = "experiment skipped" + detail;
  } else if (outcome == "interrupted") {
    c.outcome = Outcome::kError;
    c.type = outcome;
    c.message = "experiment interrupted" + detail;
  } else if (outcome != "completed") {
    c.outcome = Outcome::kError;
    c.type = "outcome";
    c.message = "unknown experiment outcome \"" + outcome + "\"" + detail;
  } else if (deviated) {
    // Completed, but the steady state did not hold: the system did not survive the fault.
    c.outcome = Outcome::kFailure;
    c.type = "deviated";
    c.message = "the steady state deviated" + detail;
  }
  return c;
}

// "requests 120 (12.0/s), errors 3 (2.50%)": a breakdown's counts (the summary, a workload).
std::string RequestsLine(const json& j) {
  return "requests " + Count(j, "requests") + " (" +
         Fixed(Number(j, "throughput_rps").value_or(0), 1) + "/s), errors " + Count(j, "errors") +
         " (" + Fixed(Number(j, "error_rate").value_or(0) * 100, 2) + "%)";
}

// A workload of a profile with `workloads:` (summary.workloads[]): it passes when every
// threshold scoped to it passed and each of its stages is trustworthy.
Case WorkloadCase(const json& w, size_t index, const json& summary, const std::string& suite) {
  const std::string name = Text(w, "name");
  Case c(name.empty() ? "workload " + std::to_string(index + 1) : name, suite + ".workloads");
  c.time = Number(w, "duration_s");
  const json& latency = Field(w, "latency_ms");
  c.text = RequestsLine(w) + "\nlatency ms";
  for (const char* key : {"p50", "p95", "p99", "max"}) {
    std::optional<double> v = Number(latency, key);
    c.text += std::string(" ") + key + " " + (v ? Plain(*v) : "?");
  }
  c.text += "\niterations " + Count(w, "iterations_completed") + ", dropped " +
            Count(w, "dropped") + "\n";
  std::vector<std::string> problems;
  const json& thresholds = Field(summary, "thresholds");
  for (const json& t : thresholds.is_array() ? thresholds : json::array()) {
    const json& passed = Field(t, "passed");
    if (Text(t, "workload") == name && passed.is_boolean() && !passed.get<bool>())
      problems.push_back("threshold " + Text(t, "name") + " failed (observed " +
                         Text(t, "observed_text") + ")");
  }
  const json& stages = Field(summary, "stages");
  for (const json& st : stages.is_array() ? stages : json::array()) {
    const json& problems_of_stage = Field(st, "problems");
    if (Text(st, "workload") != name || !problems_of_stage.is_array()) continue;
    for (const json& p : problems_of_stage) {
      if (p.is_string()) problems.push_back(p.get<std::string>());
    }
  }
  if (problems.empty()) return c;
  c.outcome = Outcome::kFailure;
  c.type = "workload";
  c.message =
      problems.front() +
      (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more)" : "");
  for (const std::string& p : problems) c.text += "  - " + p + "\n";
  return c;
}

std::string SystemOut(const SuiteInput& in, const std::vector<Case>& cases) {
  const json& s = in.summary;
  const json& plan = Field(in.run_start, "plan").is_object() ? Field(in.run_start, "plan") : Field(s, "plan");
  std::string environment = Text(plan, "environment");
  std::string out = Text(plan, "name") + ": profile " + Text(plan, "profile") + ", environment " +
                    (environment.empty() ? "(none)" : environment) + ", mode " +
                    Text(in.run_start.is_object() ? in.run_start : s, "mode") + "\n";
  if (!s.is_object()) return out + "no summary: the run ended before its results were complete\n";
  const json& trustworthy = Field(s, "trustworthy");
  out += "status " + Text(s, "status") + " in " + Fixed(Number(s, "duration_s").value_or(0), 3) + " s, " +
         (trustworthy.is_boolean() && !trustworthy.get<bool>() ? "UNTRUSTWORTHY" : "trustworthy") + "\n";
  out += RequestsLine(s) + ", interrupted " + Count(s, "interrupted") + "\n";
  const json& latency = Field(s, "latency_ms");
  out += "latency ms";
  for (const char* key : {"p50", "p95", "p99", "max"}) {
    std::optional<double> v = Number(latency, key);
    out += std::string(" ") + key + " " + (v ? Plain(*v) : "?");
  }
  std::optional<double> service_p99 = Number(Field(s, "service_time_ms"), "p99");
  out += "\nservice time ms p99 " + (service_p99 ? Plain(*service_p99) : std::string("?")) + "\n";
  const json& workloads = Field(s, "workloads");
  for (const json& w : workloads.is_array() ? workloads : json::array()) {
    out += "workload " + Text(w, "name") + ": " + RequestsLine(w) + ", latency ms p95 " +
           Plain(Number(Field(w, "latency_ms"), "p95").value_or(0)) + "\n";
  }
  size_t thresholds = 0, thresholds_failed = 0, thresholds_skipped = 0, experiments = 0, experiments_failed = 0;
  for (const Case& c : cases) {
    const bool bad = c.outcome == Outcome::kFailure || c.outcome == Outcome::kError;
    // A skipped threshold was not judged: it is counted apart, not among those that passed.
    if (c.classname.ends_with(".thresholds") && c.type == "skipped") {
      ++thresholds_skipped;
      continue;
    }
    if (c.classname.ends_with(".thresholds")) ++thresholds, thresholds_failed += bad;
    if (c.classname.ends_with(".experiments")) ++experiments, experiments_failed += bad;
  }
  if (thresholds) {
    out += "thresholds: " + std::to_string(thresholds_failed) + " of " + std::to_string(thresholds) + " failed";
    out += thresholds_skipped ? ", " + std::to_string(thresholds_skipped) + " skipped\n" : "\n";
  } else if (thresholds_skipped) {
    out += "thresholds: " + std::to_string(thresholds_skipped) + " skipped\n";
  }
  if (experiments) {
    out += "experiments: " + std::to_string(experiments_failed) + " of " + std::to_string(experiments) +
           " failed\n";
  }
  return out;
}

void AppendCase(std::string* out, const Case& c) {
  *out += "    <testcase name=\"" + XmlAttr(c.name) + "\" classname=\"" + XmlAttr(c.classname) + "\"";
  if (c.time) *out += " time=\"" + XsdTime(*c.time) + "\"";
  if (c.outcome == Outcome::kPassed) {
    *out += "/>\n";
    return;
  }
  const char* element = c.outcome == Outcome::kFailure ? "failure"
                        : c.outcome == Outcome::kError ? "error"
                                                       : "skipped";
  *out += ">\n      <" + std::string(element) + " type=\"" + XmlAttr(c.type) + "\" message=\"" +
          XmlAttr(c.message) + "\">" + XmlText(c.text) + "</" + element + ">\n    </testcase>\n";
}

}  // namespace

std::string JunitDocument(const SuiteInput& in) {
  const json& s = in.summary;
  const json& plan = Field(in.run_start, "plan").is_object() ? Field(in.run_start, "plan") : Field(s, "plan");
  std::string suite = in.suite_name;
  if (suite.empty()) suite = Text(plan, "name");
  if (suite.empty()) suite = "stressplan";

  std::vector<Case> cases{RunCase(in, suite)};
  const json& thresholds = Field(s, "thresholds");
  if (thresholds.is_array()) {
    for (size_t i = 0; i < thresholds.size(); ++i) cases.push_back(ThresholdCase(thresholds[i], i, suite));
  }
  const json& experiments = Field(s, "experiments");
  if (experiments.is_array()) {
    for (size_t i = 0; i < experiments.size(); ++i) cases.push_back(ExperimentCase(experiments[i], i, suite));
  }
  const json& workloads = Field(s, "workloads");
  if (workloads.is_array()) {
    for (size_t i = 0; i < workloads.size(); ++i)
      cases.push_back(WorkloadCase(workloads[i], i, s, suite));
  }
  size_t failures = 0, errors = 0, skipped = 0;
  for (const Case& c : cases) {
    failures += c.outcome == Outcome::kFailure;
    errors += c.outcome == Outcome::kError;
    skipped += c.outcome == Outcome::kSkipped;
  }
  const std::string counts = " tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\"";
  std::optional<double> duration = Number(s, "duration_s");
  const std::string time = duration ? " time=\"" + XsdTime(*duration) + "\"" : "";
  std::string started_at = Text(in.run_start, "started_at");
  if (started_at.empty()) started_at = Text(s, "started_at");
  const json& start_or_summary = in.run_start.is_object() ? in.run_start : s;

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"" + XmlAttr(suite) + "\"" + counts + time + ">\n";
  out += "  <testsuite name=\"" + XmlAttr(suite) + "\"" + counts + " skipped=\"" + std::to_string(skipped) +
         "\"" + time;
  if (!started_at.empty()) out += " timestamp=\"" + XmlAttr(started_at) + "\"";
  if (!in.hostname.empty()) out += " hostname=\"" + XmlAttr(in.hostname) + "\"";
  out += ">\n    <properties>\n";
  const json& trustworthy = Field(s, "trustworthy");
  const std::pair<const char*, std::string> properties[] = {
      {"plan", Text(plan, "name")},
      {"plan.file", Text(plan, "file")},
      {"profile", Text(plan, "profile")},
      {"environment", Text(plan, "environment")},
      {"mode", Text(start_or_summary, "mode")},
      {"status", Text(s, "status")},
      {"trustworthy", trustworthy.is_boolean() ? (trustworthy.get<bool>() ? "true" : "false") : ""},
      {"stressplan.version", Text(start_or_summary, "stressplan_version")},
  };
  for (const auto& [name, value] : properties) {
    out += "      <property name=\"" + std::string(name) + "\" value=\"" + XmlAttr(value) + "\"/>\n";
  }
  out += "    </properties>\n";
  for (const Case& c : cases) AppendCase(&out, c);
  out += "    <system-out>" + XmlText(SystemOut(in, cases)) + "</system-out>\n";
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace sp::junit
