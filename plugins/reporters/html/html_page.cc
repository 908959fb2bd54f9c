#include "plugins/reporters/html/html_page.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "plugins/reporters/common/hdr_buckets.h"
#include "plugins/reporters/html/distribution.h"
#include "plugins/reporters/html/html_assets.h"
#include "plugins/reporters/html/html_charts.h"
#include "plugins/reporters/html/html_tables.h"
#include "plugins/reporters/html/html_text.h"
#include "plugins/reporters/html/time_bands.h"

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
  axis.bands = TimeBands(run);
  for (const EventRow& e : run.events) {
    axis.markers.push_back(
        {e.t, Decimal(e.t, 1) + " s, " + e.source + ": " + e.name + " = " + Plain(e.value)});
  }
  return axis;
}

// A sample's count as a rate, NaN when the sample is too short to give one.
double RateOf(const Sample& s, double count) {
  return s.interval >= kMinRateInterval ? count / s.interval : kNaN;
}

// Errors per second, one series per error kind (errors_by_type), or of all errors when the
// snapshots say no kind.
Chart ErrorsChart(const RunData& run, const std::vector<Sample>& samples) {
  Chart errors{"errors", "Errors by kind", "errors/s", {}};
  for (size_t k = 0; k < run.error_kinds.size(); ++k) {
    Series series{
        "error-kind-" + std::to_string(k), run.error_kinds[k], false, {}, static_cast<int>(k)};
    for (const Sample& s : samples) {
      const auto it = std::find_if(s.errors_by_kind.begin(), s.errors_by_kind.end(),
                                   [&](const KindCount& c) { return c.kind == k; });
      series.y.push_back(RateOf(s, it == s.errors_by_kind.end() ? 0 : it->count));
    }
    errors.series.push_back(std::move(series));
  }
  if (errors.series.empty()) {
    errors.title = "Errors";
    errors.series.push_back({"errors", "errors", false, {}});
    for (const Sample& s : samples) errors.series[0].y.push_back(RateOf(s, s.errors));
  }
  return errors;
}

// Per request name (requests_by_name and the recorder's steps): completed requests per second,
// and latency p95 on a log scale. None when the snapshots carry no names.
std::vector<Chart> RequestCharts(const RunData& run, const std::vector<Sample>& samples) {
  if (run.request_names.empty()) return {};
  Chart rate{"request-throughput", "Throughput by request", "req/s", {}};
  Chart p95{"request-latency", "Latency p95 by request", "ms", {}, true};
  for (size_t n = 0; n < run.request_names.size(); ++n) {
    const std::string key = "request-" + std::to_string(n);
    Series r{key, run.request_names[n], false, {}, static_cast<int>(n)};
    Series l{key, run.request_names[n], false, {}, static_cast<int>(n)};
    for (const Sample& s : samples) {
      const auto it = std::find_if(s.by_name.begin(), s.by_name.end(),
                                   [&](const NameSample& x) { return x.name == n; });
      r.y.push_back(RateOf(s, it == s.by_name.end() ? 0 : it->requests));
      l.y.push_back(it == s.by_name.end() ? kNaN : it->p95);
    }
    rate.series.push_back(std::move(r));
    p95.series.push_back(std::move(l));
  }
  return {rate, p95};
}

std::vector<Chart> MakeCharts(const RunData& run, const std::vector<Sample>& samples) {
  Chart throughput{"throughput",
                   "Throughput",
                   "req/s",
                   {{"rps", "completed", false, {}}, {"planned-rate", "planned rate", true, {}}}};
  // Log scale: a one-second p99 spike must not flatten p50 onto the axis.
  Chart latency{"latency",
                "Latency percentiles",
                "ms",
                {{"p50", "p50", false, {}}, {"p95", "p95", false, {}}, {"p99", "p99", false, {}}},
                true};
  Chart users{"users",
              "Active users",
              "users",
              {{"users", "active", false, {}}, {"planned-users", "planned", true, {}}}};
  bool any_planned_rate = false;
  for (const Sample& s : samples) {
    throughput.series[0].y.push_back(RateOf(s, s.requests));
    throughput.series[1].y.push_back(s.planned_rate);
    any_planned_rate |= std::isfinite(s.planned_rate);
    latency.series[0].y.push_back(s.p50);
    latency.series[1].y.push_back(s.p95);
    latency.series[2].y.push_back(s.p99);
    users.series[0].y.push_back(s.users_active);
    users.series[1].y.push_back(s.users_planned);
  }
  if (!any_planned_rate) throughput.series.pop_back();
  std::vector<Chart> charts{throughput, latency, ErrorsChart(run, samples), users};
  for (Chart& c : RequestCharts(run, samples)) charts.push_back(std::move(c));
  return charts;
}

// The run's latency histogram: the summary's lossless recorder, else its latency_histogram.
Distribution RunDistribution(const RunData& run) {
  std::vector<sp::reporters::HdrBucket> buckets = sp::reporters::ReadHdrBuckets(
      Field(Field(Field(run.summary, "recorder"), "latency"), "buckets"));
  if (buckets.empty())
    buckets =
        sp::reporters::ReadHdrBuckets(Field(Field(run.summary, "latency_histogram"), "buckets"));
  return BinLatency(buckets);
}

// The section of the latency distribution; none without a histogram in the summary.
std::string DistributionSection(const RunData& run, const Distribution& d) {
  if (d.bins.empty()) return "";
  const json& latency = Field(run.summary, "latency_ms");
  std::vector<DistributionMark> marks;
  for (const char* p : {"p50", "p95", "p99"}) marks.push_back({p, NumberOr(latency, p, kNaN)});
  return "<section id=\"distribution\"><h2>Latency distribution</h2><p class=\"note\">"
         "Every request of the run by its latency (from the intended start), from the run's "
         "histogram: each bar is the share of requests in a latency range, the ranges " +
         std::to_string(d.per_decade) +
         " to a power of ten on a log scale. Dashed lines are the run's percentiles.</p>"
         "<div class=\"charts single\">" +
         RenderDistribution(d, marks) + "</div></section>\n";
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

std::string ChartsSection(const RunData& run, const std::vector<Sample>& samples,
                          const TimeAxis& axis, const std::vector<Chart>& charts) {
  std::string out =
      "<section id=\"charts\"><h2>Over time</h2><p class=\"note\">One point per second (the "
      "last covers the final part-second and the drain). Shaded bands are the stages (when they "
      "do not overlap); strips along the top are the workloads; red bands are chaos experiments' "
      "windows; dotted lines mark events. Latency is on a log scale. Hover a chart for its "
      "values.</p><div class=\"charts\">";
  for (const Chart& c : charts) {
    if (c.id == "request-throughput")
      out += "</div><h3 id=\"by-request\">By request</h3><div class=\"charts\">";
    out += RenderChart(c, axis) + "\n";
  }
  out += "</div>";
  if (run.request_names_not_kept) {
    out += "<p class=\"note\">Only the first " + std::to_string(RunData::kMaxRequestNames) +
           " request names are charted; the table below has them all.</p>";
  }
  if (samples.size() < run.samples.size()) {
    out += "<p class=\"note\">" + Count(static_cast<double>(run.samples.size())) +
           " seconds drawn as " + Count(static_cast<double>(samples.size())) +
           " points: rates are averaged over each point, latencies and "
           "users show its worst second.</p>";
  }
  return out + "</section>\n";
}

}  // namespace

std::string RenderPage(const RunData& run, const PageOptions& options) {
  std::string title = options.title;
  if (title.empty()) title = Text(run.plan(), "name");
  if (title.empty()) title = "stressplan run";

  const std::vector<Sample> samples = Downsample(run.samples, kMaxChartPoints);
  const TimeAxis axis = MakeAxis(run, samples);
  const std::vector<Chart> charts = MakeCharts(run, samples);
  const Distribution distribution = RunDistribution(run);
  json data = ChartData(axis, charts);
  data["distribution"] = DistributionData(distribution);
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
  out += ChartsSection(run, samples, axis, charts) + DistributionSection(run, distribution);
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
