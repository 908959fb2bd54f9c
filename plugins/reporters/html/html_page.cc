#include "plugins/reporters/html/html_page.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "plugins/reporters/html/html_assets.h"
#include "plugins/reporters/html/html_charts.h"
#include "plugins/reporters/html/html_tables.h"
#include "plugins/reporters/html/html_text.h"

namespace sp::html {
namespace {

// Charts draw at most this many points; longer runs are merged into buckets (Downsample).
constexpr size_t kMaxChartPoints = 1200;
// A snapshot shorter than this (the last, part-second one) gives no rate: a few requests over
// a few milliseconds would read as a spike.
constexpr double kMinRateInterval = 0.2;

// "2026-11-27T04:05:10Z" -> "2026-11-27 04:05:10 UTC"
std::string ReadableTime(std::string iso) {
  if (iso.size() > 10 && iso[10] == 'T') iso[10] = ' ';
  if (!iso.empty() && iso.back() == 'Z') iso.replace(iso.size() - 1, 1, " UTC");
  return iso;
}

std::string MetaItem(const char* label, const std::string& html_value) {
  return std::string("<div><dt>") + label + "</dt><dd>" + html_value + "</dd></div>";
}

std::string OrDash(const std::string& text) { return text.empty() ? "–" : Html(text); }

struct Verdict {
  const char* text;
  const char* cls;
};

// The one-word result at the top, in the order a reader needs to know it.
Verdict RunVerdict(const RunData& run, size_t thresholds_failed, size_t experiments_failed,
                   bool has_thresholds) {
  const json& s = run.summary;
  if (!s.is_object()) return {"INCOMPLETE", "warn"};
  const std::string status = Text(s, "status");
  if (status == "aborted") return {"ABORTED", "bad"};
  if (status == "interrupted") return {"INTERRUPTED", "warn"};
  if (thresholds_failed || experiments_failed) return {"FAILED", "bad"};
  if (Bool(s, "trustworthy") == false) return {"UNTRUSTWORTHY", "bad"};
  return has_thresholds ? Verdict{"PASSED", "ok"} : Verdict{"COMPLETED", "ok"};
}

size_t FailedThresholds(const json& summary, size_t* total) {
  const json& list = Field(summary, "thresholds");
  size_t failed = 0;
  *total = 0;
  if (!list.is_array()) return 0;
  // Skipped thresholds were not judged: they count neither way.
  for (const json& t : list) {
    if (Bool(t, "skipped") == true) continue;
    ++*total;
    failed += Bool(t, "passed") == false;
  }
  return failed;
}

size_t FailedExperiments(const json& summary) {
  const json& list = Field(summary, "experiments");
  size_t failed = 0;
  if (!list.is_array()) return 0;
  for (const json& e : list) {
    const std::string outcome = Text(e, "outcome");
    failed += (outcome != "completed" && outcome != "skipped") || Bool(e, "deviated") == true;
  }
  return failed;
}

std::string Banners(const RunData& run, size_t thresholds_failed, size_t thresholds,
                    size_t experiments_failed) {
  const json& s = run.summary;
  if (!s.is_object()) {
    return "<div class=\"banner warn\" id=\"status-banner\"><strong>No summary.</strong> The run ended "
           "before its "
           "results were complete; the charts show the snapshots that arrived.</div>";
  }
  std::string out;
  const std::string status = Text(s, "status"), reason = Text(s, "status_reason");
  if (status == "aborted" || status == "interrupted") {
    out += std::string("<div class=\"banner ") + (status == "aborted" ? "bad" : "warn") +
           "\" id=\"status-banner\"><strong>" + (status == "aborted" ? "Aborted" : "Interrupted") +
           ".</strong> " + (reason.empty() ? std::string("The run stopped early.") : Html(reason)) + "</div>";
  }
  if (thresholds_failed) {
    out += "<div class=\"banner bad\" id=\"threshold-banner\"><strong>" + std::to_string(thresholds_failed) +
           " of " + std::to_string(thresholds) +
           " thresholds failed.</strong> See <a href=\"#thresholds\">Thresholds</a>.</div>";
  }
  if (experiments_failed) {
    out += "<div class=\"banner bad\" id=\"experiment-banner\"><strong>" +
           std::to_string(experiments_failed) + " chaos experiment" + (experiments_failed == 1 ? "" : "s") +
           " did not hold.</strong> See <a href=\"#experiments\">Chaos experiments</a>.</div>";
  }
  std::optional<bool> trustworthy = Bool(s, "trustworthy");
  if (trustworthy == true) {
    out +=
        "<div class=\"banner ok\" id=\"trust-banner\"><strong>Trustworthy.</strong> The generator kept up "
        "with "
        "the plan in every stage.</div>";
  } else if (trustworthy == false) {
    out +=
        "<div class=\"banner bad\" id=\"trust-banner\"><strong>UNTRUSTWORTHY.</strong> The generator could "
        "not "
        "keep up with the plan, so these numbers may describe the generator rather than the target:<ul>";
    const json& reasons = Field(s, "untrustworthy_reasons");
    if (reasons.is_array()) {
      for (const json& r : reasons) {
        if (r.is_string()) out += "<li>" + Html(r.get<std::string>()) + "</li>";
      }
    }
    out += "</ul></div>";
  }
  if (auto dropped = Number(s, "reporter_documents_dropped"); dropped && *dropped > 0) {
    out += "<div class=\"banner warn\" id=\"dropped-banner\">" + Count(*dropped) +
           " snapshots or events were dropped on the way to the reporters: the charts have gaps.</div>";
  }
  return out;
}

std::string Header(const RunData& run, const std::string& title) {
  const json& plan = run.plan();
  const json& start_or_summary = run.run_start.is_object() ? run.run_start : run.summary;
  size_t thresholds = 0;
  const size_t thresholds_failed = FailedThresholds(run.summary, &thresholds);
  const size_t experiments_failed = FailedExperiments(run.summary);
  const Verdict verdict = RunVerdict(run, thresholds_failed, experiments_failed, thresholds > 0);

  std::string out = "<header class=\"run-header\"><div class=\"title-row\"><h1>" + Html(title) +
                    "</h1><span class=\"verdict " + verdict.cls + "\" id=\"verdict\">" + verdict.text +
                    "</span></div>";
  const std::string description = Text(plan, "description");
  if (!description.empty()) out += "<p class=\"description\">" + Html(description) + "</p>";
  out += "<dl class=\"meta\">";
  std::string plan_text = OrDash(Text(plan, "name"));
  if (!Text(plan, "file").empty()) {
    plan_text += " <span class=\"muted\">" + Html(Text(plan, "file")) + "</span>";
  }
  out += MetaItem("Plan", plan_text) + MetaItem("Profile", OrDash(Text(plan, "profile"))) +
         MetaItem("Environment", OrDash(Text(plan, "environment"))) +
         MetaItem("Mode", OrDash(Text(start_or_summary, "mode")));
  const std::string started = Text(start_or_summary, "started_at");
  out += MetaItem("Started", started.empty() ? "–"
                                             : "<time datetime=\"" + Html(started) + "\">" +
                                                   Html(ReadableTime(started)) + "</time>");
  std::string duration =
      Number(run.summary, "duration_s") ? Html(Seconds(*Number(run.summary, "duration_s"))) : "–";
  if (auto planned = Number(run.run_start, "planned_duration_s")) {
    duration += " <span class=\"muted\">of " + Html(Seconds(*planned)) + " planned</span>";
  }
  std::string status = OrDash(Text(run.summary, "status"));
  if (!run.summary.is_object()) status = "no summary";
  out += MetaItem("Duration", duration) + MetaItem("Status", status);
  if (auto threads = Number(run.run_start, "load_threads")) {
    out += MetaItem("Load threads", Html(Count(*threads)));
  }
  out += MetaItem("stressplan", "<span class=\"version\">" +
                                    OrDash(Text(start_or_summary, "stressplan_version")) + "</span>");
  out += "</dl>" + Banners(run, thresholds_failed, thresholds, experiments_failed) + "</header>\n";
  return out;
}

std::string Tile(const char* id, const char* label, const std::string& value, const char* unit,
                 const std::string& sub) {
  return std::string("<div class=\"tile\" id=\"tile-") + id + "\"><div class=\"label\">" + label +
         "</div><div class=\"value\">" + Html(value) +
         (unit[0] ? std::string(" <span class=\"unit\">") + unit + "</span>" : "") +
         "</div><div class=\"sub\">" + sub + "</div></div>";
}

std::string SummaryTiles(const RunData& run) {
  const json& s = run.summary;
  if (!s.is_object()) return "";
  const json& latency = Field(s, "latency_ms");
  const auto num = [](const json& j, const char* key, std::string (*format)(double)) {
    std::optional<double> v = Number(j, key);
    return v ? format(*v) : std::string("–");
  };
  std::string out = "<section id=\"summary\" class=\"tiles\" aria-label=\"Summary\">";
  out += Tile("requests", "Requests", num(s, "requests", Count), "",
              Html(num(s, "ok", Count) + " ok · " + num(s, "interrupted", Count) + " interrupted"));
  out += Tile("throughput", "Throughput",
              Number(s, "throughput_rps") ? Decimal(*Number(s, "throughput_rps"), 1) : "–", "req/s",
              Html("over " + num(s, "duration_s", Seconds)));
  out += Tile("error-rate", "Error rate", num(s, "error_rate", Percent), "",
              Html(num(s, "errors", Count) + " errors"));
  out += Tile("p50", "Latency p50", num(latency, "p50", Ms), "ms",
              Html("mean " + num(latency, "mean", Ms) + " ms"));
  out += Tile("p95", "Latency p95", num(latency, "p95", Ms), "ms",
              Html("p90 " + num(latency, "p90", Ms) + " ms"));
  out += Tile("p99", "Latency p99", num(latency, "p99", Ms), "ms", "from the intended start");
  out += Tile("max", "Latency max", num(latency, "max", Ms), "ms",
              Html("min " + num(latency, "min", Ms) + " ms"));
  out += Tile("service-p99", "Service time p99", num(Field(s, "service_time_ms"), "p99", Ms), "ms",
              "from the actual send");
  out += Tile("data", "Received", num(s, "bytes_received", Bytes), "",
              Html(num(s, "bytes_sent", Bytes) + " sent"));
  return out + "</section>\n";
}

TimeAxis MakeAxis(const RunData& run, const std::vector<Sample>& samples) {
  TimeAxis axis;
  for (const Sample& s : samples) axis.t.push_back(s.t);
  axis.t_max =
      std::max({1.0, samples.empty() ? 0.0 : samples.back().t, NumberOr(run.summary, "duration_s", 0),
                NumberOr(run.run_start, "planned_duration_s", 0)});
  const json& ran = Field(run.summary, "stages");
  const json& stages = ran.is_array() && !ran.empty() ? ran : Field(run.run_start, "stages");
  if (stages.is_array()) {
    for (size_t i = 0; i < stages.size(); ++i) {
      const json& st = stages[i];
      const double start = NumberOr(st, "started_s", NumberOr(st, "start_s", kNaN));
      const double index = NumberOr(st, "index", static_cast<double>(i));
      const std::string name = "stage " + Count(index);
      axis.bands.push_back({start, start + NumberOr(st, "duration_s", 0), name,
                            name + " (" + Text(st, "model") + ")", "stage", static_cast<int>(index)});
    }
  }
  const json& experiments = Field(run.summary, "experiments");
  if (experiments.is_array()) {
    for (const json& e : experiments) {
      const json& w = Field(e, "window");
      std::optional<double> start = Number(w, "start_s"), end = Number(w, "end_s");
      if (!start || !end) continue;
      axis.bands.push_back({*start, *end, Text(e, "name"),
                            "chaos: " + Text(e, "name") + " (" + Text(e, "outcome") + ")", "chaos", 0});
    }
  }
  for (const EventRow& e : run.events) {
    axis.markers.push_back(
        {e.t, Decimal(e.t, 1) + " s, " + e.source + ": " + e.name + " = " + Plain(e.value)});
  }
  return axis;
}

std::vector<Chart> MakeCharts(const std::vector<Sample>& samples) {
  Chart throughput{"throughput",
                   "Throughput",
                   "req/s",
                   {{"rps", "completed", false, {}}, {"planned-rate", "planned rate", true, {}}}};
  Chart latency{"latency",
                "Latency percentiles",
                "ms",
                {{"p50", "p50", false, {}}, {"p95", "p95", false, {}}, {"p99", "p99", false, {}}}};
  Chart errors{"errors", "Errors", "errors/s", {{"errors", "errors", false, {}}}};
  Chart users{"users",
              "Active users",
              "users",
              {{"users", "active", false, {}}, {"planned-users", "planned", true, {}}}};
  bool any_planned_rate = false;
  for (const Sample& s : samples) {
    const bool rate_ok = s.interval >= kMinRateInterval;
    throughput.series[0].y.push_back(rate_ok ? s.requests / s.interval : kNaN);
    throughput.series[1].y.push_back(s.planned_rate);
    any_planned_rate |= std::isfinite(s.planned_rate);
    latency.series[0].y.push_back(s.p50);
    latency.series[1].y.push_back(s.p95);
    latency.series[2].y.push_back(s.p99);
    errors.series[0].y.push_back(rate_ok ? s.errors / s.interval : kNaN);
    users.series[0].y.push_back(s.users_active);
    users.series[1].y.push_back(s.users_planned);
  }
  if (!any_planned_rate) throughput.series.pop_back();
  return {throughput, latency, errors, users};
}

// What the page's script needs for the read-outs: the shared x axis and each chart's values.
json ChartData(const TimeAxis& axis, const std::vector<Chart>& charts) {
  const auto round3 = [](double v) { return std::isfinite(v) ? json(std::round(v * 1000) / 1000) : json(); };
  json x = json::array(), t = json::array();
  for (double v : axis.t) {
    x.push_back(std::round(ChartX(axis, v) * 10) / 10);
    t.push_back(round3(v));
  }
  json by_id = json::object();
  for (const Chart& c : charts) {
    json series = json::array();
    for (const Series& s : c.series) {
      json values = json::array();
      for (double v : s.y) values.push_back(round3(v));
      series.push_back({{"label", s.label}, {"values", values}});
    }
    by_id[c.id] = {{"title", c.title}, {"unit", c.unit}, {"series", series}};
  }
  return {{"x", x}, {"t", t}, {"charts", by_id}};
}

}  // namespace

std::string RenderPage(const RunData& run, const PageOptions& options) {
  std::string title = options.title;
  if (title.empty()) title = Text(run.plan(), "name");
  if (title.empty()) title = "stressplan run";

  const std::vector<Sample> samples = Downsample(run.samples, kMaxChartPoints);
  const TimeAxis axis = MakeAxis(run, samples);
  const std::vector<Chart> charts = MakeCharts(samples);
  json data = ChartData(axis, charts);
  data["title"] = title;
  data["plan"] = run.plan();
  data["events"] = json::array();
  for (size_t i = 0; i < run.events.size() && i < kMaxMarkers; ++i) {
    data["events"].push_back(
        {{"t", run.events[i].t}, {"source", run.events[i].source}, {"name", run.events[i].name}});
  }

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"generator\" content=\"" + Html(options.generator) + "\">\n";
  out += "<link rel=\"icon\" href=\"data:,\">\n";
  out += "<title>" + Html(title) + " · stressplan report</title>\n<style>" + std::string(kPageStyle) +
         "</style>\n</head>\n";
  out +=
      "<body>\n<div id=\"sp-errors\" class=\"page-errors\" data-count=\"0\" hidden><strong>This page had "
      "script "
      "errors:</strong><ul></ul></div>\n<script>" +
      std::string(kErrorTrapScript) + "</script>\n<main>\n";
  out += Header(run, title) + SummaryTiles(run);
  out +=
      "<section id=\"charts\"><h2>Over time</h2><p class=\"note\">One point per second (the last covers the "
      "final part-second and the drain). Shaded bands are the stages; red bands are chaos experiments' "
      "windows; "
      "dotted lines mark events. Hover a chart for its values.</p><div class=\"charts\">";
  for (const Chart& c : charts) out += RenderChart(c, axis) + "\n";
  out += "</div>";
  if (samples.size() < run.samples.size()) {
    out += "<p class=\"note\">" + Count(static_cast<double>(run.samples.size())) + " seconds drawn as " +
           Count(static_cast<double>(samples.size())) +
           " points: rates are averaged over each point, latencies and "
           "users show its worst second.</p>";
  }
  out += "</section>\n";
  out += ThresholdsTable(run) + ExperimentsTable(run) + CircuitTable(run) + WorkloadsTable(run) +
         RequestsTable(run) + ErrorsTables(run) + StagesTable(run) + EventsTables(run);
  out += "</main>\n<footer>Written by <span class=\"generator\">" + Html(options.generator) +
         "</span> from the run's documents. Latency counts from each request's intended start; service time "
         "from "
         "when it was actually sent.</footer>\n";
  out += "<script type=\"application/json\" id=\"sp-data\">" + ScriptJson(data) + "</script>\n";
  out += "<script>" + std::string(kPageScript) + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace sp::html
