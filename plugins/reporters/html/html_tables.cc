#include "plugins/reporters/html/html_tables.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <utility>
#include <vector>

#include "plugins/reporters/html/html_text.h"

namespace sp::html {
namespace {

struct Column {
  const char* label;
  bool numeric = false;
};

std::string Raw(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// A cell of text, escaped here.
std::string Td(const std::string& text, const char* cls = nullptr) {
  return std::string("<td") + (cls ? std::string(" class=\"") + cls + "\"" : "") + ">" + Html(text) + "</td>";
}

// A numeric cell: the formatted text, and the raw value for sorting.
std::string TdNum(const std::string& text, std::optional<double> raw) {
  return "<td class=\"num\"" + (raw ? " data-v=\"" + Raw(*raw) + "\"" : std::string()) + ">" + Html(text) +
         "</td>";
}

std::string TdNum(std::optional<double> v, std::string (*format)(double)) {
  return TdNum(v ? format(*v) : "–", v);
}

std::string TableStart(const char* id, std::initializer_list<Column> columns) {
  std::string out = std::string("<table class=\"sortable\" id=\"") + id + "\"><thead><tr>";
  for (const Column& c : columns) {
    out += std::string("<th scope=\"col\"") + (c.numeric ? " class=\"num\"" : "") + ">" + c.label + "</th>";
  }
  return out + "</tr></thead><tbody>\n";
}

const char* kTableEnd = "</tbody></table>";

std::string Section(const char* id, const char* heading, const std::string& body) {
  return std::string("<section id=\"") + id + "\"><h2>" + heading + "</h2>" + body + "</section>\n";
}

std::string Empty(const char* text) { return std::string("<p class=\"empty\">") + text + "</p>"; }

double Requests(const RunData& run) { return NumberOr(run.summary, "requests", 0); }

std::string PerSecond(double v) { return Decimal(v, 1); }

// A name -> count object as table rows, largest first, with each count's share of `total`.
std::string CountRows(const json& counts, double total) {
  std::vector<std::pair<std::string, double>> rows;
  if (counts.is_object()) {
    for (auto it = counts.begin(); it != counts.end(); ++it) {
      if (it.value().is_number()) rows.emplace_back(it.key(), it.value().get<double>());
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [name, n] : rows) {
    out += "<tr>" + Td(name) + TdNum(Count(n), n);
    if (total >= 0) {
      out += TdNum(total > 0 ? Percent(n / total) : "–",
                   total > 0 ? std::optional<double>(n / total) : std::nullopt);
    }
    out += "</tr>\n";
  }
  return out;
}

std::string Planned(const json& stage, const json& planned_stage) {
  const json& planned = Field(stage, "planned");
  const bool open = Text(stage, "model") == "open";
  std::string out;
  if (open) {
    out = Decimal(NumberOr(planned, "rate", NumberOr(planned_stage, "rate", kNaN)), 1) + "/s";
    if (auto to = Number(planned_stage, "ramp_to")) out += " → " + Decimal(*to, 1) + "/s";
    if (auto it = Number(planned, "iterations"); it && *it > 0) out += ", " + Count(*it) + " iterations";
    if (auto mc = Number(planned_stage, "max_concurrency")) out += ", at most " + Count(*mc) + " in flight";
  } else {
    out = Count(NumberOr(planned, "users", NumberOr(planned_stage, "users", kNaN))) + " users";
    if (auto it = Number(planned, "iterations"); it && *it > 0) out += ", " + Count(*it) + " iterations";
  }
  return out;
}

std::string Achieved(const json& stage) {
  const json& achieved = Field(stage, "achieved");
  if (!achieved.is_object()) return "–";
  if (Text(stage, "model") == "open") {
    return Decimal(NumberOr(achieved, "rate", kNaN), 1) + "/s, " +
           Count(NumberOr(achieved, "iterations", 0)) + " iterations, " +
           Count(NumberOr(achieved, "dropped", 0)) + " dropped";
  }
  const double lo = NumberOr(achieved, "users_min", kNaN), hi = NumberOr(achieved, "users_max", kNaN);
  return (lo == hi ? Count(lo) : Count(lo) + "–" + Count(hi)) + " users, " +
         Count(NumberOr(achieved, "iterations", 0)) + " iterations";
}

}  // namespace

std::string RequestsTable(const RunData& run) {
  const json& steps = Field(run.summary, "requests_by_name");
  if (!steps.is_array() || steps.empty()) return "";
  std::string out = TableStart("requests-table", {{"Request"},
                                                  {"Requests", true},
                                                  {"Redirects", true},
                                                  {"Errors", true},
                                                  {"Error rate", true},
                                                  {"p50 ms", true},
                                                  {"p95 ms", true},
                                                  {"p99 ms", true},
                                                  {"max ms", true}});
  for (const json& s : steps) {
    const json& l = Field(s, "latency_ms");
    // redirects: hops the target followed, already in requests ("–" in reports before it).
    out += "<tr>" + Td(Text(s, "name")) + TdNum(Number(s, "requests"), Count) +
           TdNum(Number(s, "redirects"), Count) + TdNum(Number(s, "errors"), Count) +
           TdNum(Number(s, "error_rate"), Percent) + TdNum(Number(l, "p50"), Ms) +
           TdNum(Number(l, "p95"), Ms) + TdNum(Number(l, "p99"), Ms) + TdNum(Number(l, "max"), Ms) +
           "</tr>\n";
  }
  return Section("requests", "Requests by name", out + kTableEnd);
}

std::string WorkloadsTable(const RunData& run) {
  const json& workloads = Field(run.summary, "workloads");
  if (!workloads.is_array() || workloads.empty()) return "";
  std::string out = TableStart("workloads-table", {{"Workload"},
                                                   {"Start", true},
                                                   {"Duration", true},
                                                   {"Requests", true},
                                                   {"Throughput /s", true},
                                                   {"Error rate", true},
                                                   {"p50 ms", true},
                                                   {"p95 ms", true},
                                                   {"p99 ms", true},
                                                   {"Iterations", true},
                                                   {"Dropped", true}});
  for (const json& w : workloads) {
    const json& l = Field(w, "latency_ms");
    out += "<tr>" + Td(Text(w, "name")) + TdNum(Number(w, "start_s"), Seconds) +
           TdNum(Number(w, "duration_s"), Seconds) + TdNum(Number(w, "requests"), Count) +
           TdNum(Number(w, "throughput_rps"), PerSecond) + TdNum(Number(w, "error_rate"), Percent) +
           TdNum(Number(l, "p50"), Ms) + TdNum(Number(l, "p95"), Ms) + TdNum(Number(l, "p99"), Ms) +
           TdNum(Number(w, "iterations_completed"), Count) + TdNum(Number(w, "dropped"), Count) +
           "</tr>\n";
  }
  return Section("workloads", "Workloads", out + kTableEnd);
}

std::string ErrorsTables(const RunData& run) {
  if (!run.summary.is_object()) return "";
  const double total = Requests(run);
  std::string body = "<div class=\"columns\"><div><h3>Errors by type</h3>";
  std::string rows = CountRows(Field(run.summary, "errors_by_type"), total);
  body += rows.empty()
              ? Empty("No errors.")
              : TableStart("errors-table", {{"Type"}, {"Count", true}, {"Share of requests", true}}) + rows +
                    kTableEnd;
  rows = CountRows(Field(run.summary, "failed_checks"), total);
  if (!rows.empty()) {
    body += "<h3>Failed checks</h3>" +
            TableStart("checks-table", {{"Check"}, {"Failures", true}, {"Share of requests", true}}) + rows +
            kTableEnd;
  }
  body += "</div><div><h3>Status codes</h3>";
  rows = CountRows(Field(run.summary, "status_codes"), total);
  body += rows.empty()
              ? Empty("No HTTP responses.")
              : TableStart("status-table", {{"Status"}, {"Count", true}, {"Share of requests", true}}) +
                    rows + kTableEnd;
  return Section("errors", "Errors and status codes", body + "</div></div>");
}

std::string StagesTable(const RunData& run) {
  const json& run_stages = Field(run.summary, "stages");
  const json& planned_stages = Field(run.run_start, "stages");
  const json& stages = run_stages.is_array() && !run_stages.empty() ? run_stages : planned_stages;
  if (!stages.is_array() || stages.empty()) return "";
  std::string out = TableStart("stages-table", {{"Stage", true},
                                                {"Model"},
                                                {"Start", true},
                                                {"Duration", true},
                                                {"Planned"},
                                                {"Achieved"},
                                                {"Requests", true},
                                                {"Error rate", true},
                                                {"p99 ms", true},
                                                {"Load threads busy", true},
                                                {"Trustworthy"}});
  for (size_t i = 0; i < stages.size(); ++i) {
    const json& st = stages[i];
    const size_t index = static_cast<size_t>(NumberOr(st, "index", static_cast<double>(i)));
    const json& planned =
        planned_stages.is_array() && index < planned_stages.size() ? planned_stages[index] : json();
    const json& cpu = Field(st, "generator_cpu");
    std::optional<double> busy = Number(cpu, "load_threads_busy_avg");
    std::string busy_text = busy
                                ? Decimal(*busy * 100, 0) + "% avg, " +
                                      Decimal(NumberOr(cpu, "load_threads_busy_max", kNaN) * 100, 0) + "% max"
                                : "–";
    std::optional<bool> trustworthy = Bool(st, "trustworthy");
    std::string trust = !trustworthy ? "–" : *trustworthy ? "yes" : "no";
    const json& problems = Field(st, "problems");
    if (problems.is_array()) {
      for (const json& p : problems) {
        if (p.is_string()) trust += (trust == "no" ? ": " : "; ") + p.get<std::string>();
      }
    }
    std::optional<double> start = Number(st, "started_s");
    if (!start) start = Number(st, "start_s");
    out += std::string(trustworthy == false ? "<tr class=\"bad\">" : "<tr>") +
           TdNum(Count(static_cast<double>(index)), static_cast<double>(index)) +
           Td(Text(st, "model") +
              (Text(st, "workload").empty() ? "" : ", workload " + Text(st, "workload"))) +
           TdNum(start, Seconds) + TdNum(Number(st, "duration_s"), Seconds) +
           Td(Planned(st, planned)) + Td(Achieved(st)) + TdNum(Number(st, "requests"), Count) +
           TdNum(Number(st, "error_rate"), Percent) +
           TdNum(Number(Field(st, "latency_ms"), "p99"), Ms) + TdNum(busy_text, busy) + Td(trust) +
           "</tr>\n";
  }
  return Section("stages", "Stages: planned and achieved", out + kTableEnd);
}

std::string ThresholdsTable(const RunData& run) {
  const json& thresholds = Field(run.summary, "thresholds");
  if (!thresholds.is_array() || thresholds.empty()) return "";
  std::string out =
      TableStart("thresholds-table",
                 {{"Threshold"}, {"Scope"}, {"Expected"}, {"Observed", true}, {"Result"}, {"Defined at"}});
  for (const json& t : thresholds) {
    std::optional<bool> passed = Bool(t, "passed");
    const bool skipped = Bool(t, "skipped").value_or(false);
    std::string observed = Text(t, "observed_text");
    if (observed.empty()) observed = Number(t, "observed") ? Plain(*Number(t, "observed")) : "no data";
    const std::string result = skipped ? "skipped: " + Text(t, "skip_reason")
                               : !passed ? "not evaluated"
                               : *passed ? "pass"
                                         : "FAIL";
    // The name carries the scope ("error_rate < 1% [s/r]"); the Scope column shows it once.
    std::string name = Text(t, "name");
    const std::string scope_suffix = " [" + Text(t, "scope") + "]";
    if (!Text(t, "scope").empty() && name.ends_with(scope_suffix)) name.resize(name.size() - scope_suffix.size());
    out += std::string(passed == false ? "<tr class=\"bad\">" : "<tr>") + Td(name) +
           Td(Text(t, "scope")) + Td(Text(t, "expected")) + TdNum(observed, Number(t, "observed")) +
           Td(result, skipped    ? "result skipped"
                      : !passed  ? "result"
                      : *passed  ? "result pass"
                                 : "result fail") +
           Td(Text(t, "location")) + "</tr>\n";
  }
  return Section("thresholds", "Thresholds", out + kTableEnd);
}

namespace {

// Whether every probe of a list passed; nullopt when there are none.
std::optional<bool> ProbesOk(const json& probes) {
  if (!probes.is_array() || probes.empty()) return std::nullopt;
  for (const json& p : probes) {
    if (!Bool(p, "ok").value_or(false)) return false;
  }
  return true;
}

// The steady state as the probes saw it: not met before the fault (the experiment could not
// start from a steady state), deviated during or after it, held, or nothing to say without probes.
std::string SteadyState(const json& e) {
  const json& steady = Field(e, "steady_state");
  const std::optional<bool> before = ProbesOk(Field(steady, "before"));
  const std::optional<bool> after = ProbesOk(Field(steady, "after"));
  if (before == false) return "not met before";
  if (Bool(e, "deviated").value_or(false) || after == false) return "deviated";
  if (!before && !after) return "no probes";
  return "held";
}

}  // namespace

std::string ExperimentsTable(const RunData& run) {
  const json& experiments = Field(run.summary, "experiments");
  if (!experiments.is_array() || experiments.empty()) return "";
  std::string out = TableStart("experiments-table",
                               {{"Experiment"}, {"Fault"}, {"Outcome"}, {"Steady state"}, {"Window"},
                                {"Errors during", true}, {"p95 during", true}, {"Trips", true}, {"Recovery"},
                                {"Message"}});
  for (const json& e : experiments) {
    const std::string outcome = Text(e, "outcome");
    const bool deviated = Bool(e, "deviated").value_or(false);
    const bool bad = (outcome != "completed" && outcome != "skipped") || deviated;
    const json& w = Field(e, "window");
    std::optional<double> start = Number(w, "start_s"), end = Number(w, "end_s");
    const json& during = Field(e, "during");
    std::optional<double> error_rate = Number(during, "error_rate");
    std::optional<double> p95 = Number(Field(during, "latency_ms"), "p95");
    std::optional<double> trips = Number(Field(e, "circuit"), "trips");
    const std::string recovery = Text(Field(e, "recovery"), "text");
    out += std::string(bad ? "<tr class=\"bad\">" : "<tr>") + Td(Text(e, "name")) + Td(Text(e, "fault")) + Td(outcome) +
           Td(SteadyState(e)) +
           Td(start && end ? Decimal(*start, 1) + " s – " + Decimal(*end, 1) + " s" : "–") +
           (error_rate ? TdNum(Decimal(*error_rate * 100.0, 2) + "%", *error_rate) : Td("–")) +
           (p95 ? TdNum(Decimal(*p95, 1) + " ms", *p95) : Td("–")) +
           (trips ? TdNum(Plain(*trips), *trips) : Td("–")) + Td(recovery.empty() ? "–" : recovery) +
           Td(Text(e, "message")) + "</tr>\n";
  }
  return Section("experiments", "Chaos experiments", out + kTableEnd);
}

std::string CircuitTable(const RunData& run) {
  const json& sources = Field(run.summary, "circuit");
  if (!sources.is_array() || sources.empty()) return "";
  std::string out = TableStart("circuit-table", {{"Source"}, {"Signal"}, {"Trips", true}, {"Time open", true}, {"Open intervals"}});
  for (const json& c : sources) {
    std::optional<double> trips = Number(c, "trips"), open = Number(c, "time_open_s");
    std::string intervals;
    const json& list = Field(c, "open_intervals");
    for (size_t i = 0; list.is_array() && i < list.size() && i < 20; ++i) {
      std::optional<double> a = Number(list[i], "start_s"), b = Number(list[i], "end_s");
      intervals += (intervals.empty() ? "" : ", ") + (a ? Decimal(*a, 1) : "?") + "–" + (b ? Decimal(*b, 1) + " s" : "end");
    }
    if (list.is_array() && list.size() > 20) intervals += ", …";
    out += "<tr>" + Td(Text(c, "source")) + Td(Text(c, "signal")) + (trips ? TdNum(Plain(*trips), *trips) : Td("–")) +
           (open ? TdNum(Decimal(*open, 1) + " s", *open) : Td("unknown")) + Td(intervals.empty() ? "–" : intervals) +
           "</tr>\n";
  }
  return Section("circuit", "Circuit breaker", out + kTableEnd);
}

std::string EventsTables(const RunData& run) {
  std::string counts = CountRows(Field(run.summary, "events"), -1);
  if (counts.empty() && run.events.empty()) return "";
  std::string out;
  if (!counts.empty()) {
    out += "<h3>Counts</h3>" + TableStart("event-counts-table", {{"Event"}, {"Count", true}}) + counts +
           kTableEnd;
  }
  if (!run.events.empty()) {
    out +=
        "<h3>Log</h3>" + TableStart("events-table", {{"Time", true}, {"Source"}, {"Event"}, {"Value", true}});
    for (size_t i = 0; i < run.events.size() && i < kMaxEventRows; ++i) {
      const EventRow& e = run.events[i];
      out += "<tr>" + TdNum(Decimal(e.t, 2) + " s", e.t) + Td(e.source) + Td(e.name) +
             TdNum(Plain(e.value), e.value) + "</tr>\n";
    }
    out += kTableEnd;
    const size_t more = run.events.size() - std::min(run.events.size(), kMaxEventRows) + run.events_not_kept;
    if (more) out += "<p class=\"empty\">" + Count(static_cast<double>(more)) + " more events not shown.</p>";
  }
  return Section("events", "Events", out);
}

}  // namespace sp::html
