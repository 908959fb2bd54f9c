// The HTML reporter plugin, loaded from the build and driven through its vtable with the fixed
// stream in fixtures/run.json and variations of it. That the page renders in a real browser
// without errors is html_chromium_test.py.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "approval.h"
#include "report_for.h"
#include "reporter_harness.h"

using nlohmann::json;
using sp::reporters_test::Occurrences;
using sp::reporters_test::ReadFile;
using sp::reporters_test::ReporterPlugin;
using sp::reporters_test::Stream;
using sp::reporters_test::TempDir;

namespace {

json Fixture() { return sp::reporters_test::ReadFixture(std::string(REPORTERS_FIXTURE_DIR) + "/run.json"); }

json& Summary(json& documents) { return documents.back(); }

std::string HtmlFor(const json& documents, std::map<std::string, std::string> options = {}) {
  return sp::reporters_test::ReportFor(STRESSPLAN_HTML_PLUGIN, "report.html", documents, std::move(options));
}


bool Has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// The value of attribute `name` of the first element at or after `marker`, or "".
std::string AttrAfter(const std::string& text, const std::string& marker, const std::string& name) {
  const size_t at = text.find(marker);
  if (at == std::string::npos) return "";
  const size_t value = text.find(" " + name + "=\"", at);
  if (value == std::string::npos) return "";
  const size_t start = value + name.size() + 3;
  return text.substr(start, text.find('"', start) - start);
}

// Whether `d` is an SVG path "Mx y Lx y ..." through exactly `points` points.
bool IsPolyline(const std::string& d, int points) {
  std::istringstream in(d);
  std::string op;
  double x = 0, y = 0;
  int n = 0;
  while (in >> op) {
    if (op.size() < 2 || op[0] != (n == 0 ? 'M' : 'L')) return false;
    x = std::stod(op.substr(1));
    if (!(in >> y) || x < 0 || y < 0) return false;
    ++n;
  }
  return n == points;
}

// The text between `open` and the next `close` after it.
std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  const size_t start = text.find(open);
  if (start == std::string::npos) return "";
  const size_t end = text.find(close, start + open.size());
  return text.substr(start + open.size(), end - start - open.size());
}

}  // namespace

TEST_CASE("html: the fixture stream gives the approved page", "[html]") {
  const std::string html = HtmlFor(Fixture());
  std::string message;
  CHECK(sp::reporters_test::MatchesBaseline("report.approved.html", sp::reporters_test::NormaliseHtml(html),
                                            &message));
  INFO(message);
  CHECK(message.empty());
}

TEST_CASE("html: the summary numbers and the run's identity are on the page", "[html]") {
  const std::string html = HtmlFor(Fixture());
  CHECK(Has(html,
            "<div class=\"tile\" id=\"tile-requests\"><div class=\"label\">Requests</div><div "
            "class=\"value\">2,625</div>"));
  CHECK(Has(html,
            "id=\"tile-throughput\"><div class=\"label\">Throughput</div><div class=\"value\">519.8 <span "
            "class=\"unit\">req/s"));
  CHECK(Has(html, "<div class=\"value\">0.34%</div>"));  // 9 / 2625
  CHECK(Has(html, "id=\"tile-p50\"><div class=\"label\">Latency p50</div><div class=\"value\">13.1 "));
  CHECK(Has(html, "id=\"tile-p95\"><div class=\"label\">Latency p95</div><div class=\"value\">40.2 "));
  CHECK(Has(html, "id=\"tile-p99\"><div class=\"label\">Latency p99</div><div class=\"value\">120 "));
  CHECK(Has(html, "id=\"tile-max\"><div class=\"label\">Latency max</div><div class=\"value\">421 "));
  CHECK(Has(html,
            "id=\"tile-service-p99\"><div class=\"label\">Service time p99</div><div class=\"value\">96.0 "));
  CHECK(Has(html, "<dt>Profile</dt><dd>smoke</dd>"));
  CHECK(Has(html, "<dt>Environment</dt><dd>staging</dd>"));
  CHECK(Has(html, "<dt>Mode</dt><dd>full</dd>"));
  CHECK(Has(html, "<time datetime=\"2026-03-01T12:00:00Z\">2026-03-01 12:00:00 UTC</time>"));
  CHECK(Has(html, "<span class=\"verdict bad\" id=\"verdict\">FAILED</span>"));  // one threshold failed
  CHECK(Has(html, "1 of 2 thresholds failed"));
  CHECK(Has(html, "id=\"trust-banner\"><strong>Trustworthy.</strong>"));
}

TEST_CASE("html: six time charts with a point per snapshot, stage bands and the chaos window",
          "[html]") {
  const std::string html = HtmlFor(Fixture());
  CHECK(Occurrences(html, "<svg class=\"chart\"") == 7);  // and the latency distribution
  for (const char* id :
       {"throughput", "latency", "errors", "users", "request-throughput", "request-latency"}) {
    const std::string svg =
        Between(html, std::string("<svg class=\"chart\" id=\"chart-") + id + "\"", "</svg>");
    INFO(id);
    REQUIRE(!svg.empty());
    CHECK(Occurrences(svg, "class=\"band stage-band") == 2);
    CHECK(Occurrences(svg, "class=\"band chaos-band\"") == 1);
    CHECK(Occurrences(svg, "class=\"band workload-band") == 0);  // a stages: profile
    CHECK(Occurrences(svg, "class=\"event-marker\"") == 1);
    CHECK(AttrAfter(svg, "<path class=\"series", "data-points") == "5");
    CHECK(IsPolyline(AttrAfter(svg, "<path class=\"series", "d"), 5));
  }
  const std::string latency = Between(html, "id=\"chart-latency\"", "</svg>");
  CHECK(Occurrences(latency, "<path class=\"series") == 3);
  CHECK(Has(html,
            "id=\"chart-latency\" viewBox=\"0 0 760.0 230.0\" role=\"img\" "
            "aria-label=\"Latency percentiles (ms) over time\" data-scale=\"log\">"));
  const std::string throughput = Between(html, "id=\"chart-throughput\"", "</svg>");
  CHECK(Has(throughput, "data-series=\"planned-rate\" data-points=\"2\""));  // the open stage only
  const std::string users = Between(html, "id=\"chart-users\"", "</svg>");
  CHECK(Has(users, "data-series=\"planned-users\" data-points=\"3\""));  // the closed stage only
}

TEST_CASE("html: errors per second by kind, from each snapshot's errors_by_type", "[html]") {
  const std::string html = HtmlFor(Fixture());
  const std::string errors = Between(html, "<svg class=\"chart\" id=\"chart-errors\"", "</figure>");
  CHECK(Occurrences(errors, "<path class=\"series") == 3);
  // Kinds in the order the run met them; a second without a kind is 0 for it.
  CHECK(Has(errors,
            "<span class=\"key p0\"><i></i>http_5xx</span>"
            "<span class=\"key p1\"><i></i>response_timeout</span>"
            "<span class=\"key p2\"><i></i>connect_refused</span>"));
  CHECK(Has(errors, "<title>4s: http_5xx 3 errors/s</title>"));
  CHECK(Has(errors, "<title>3s: response_timeout 1 errors/s</title>"));
  CHECK(Has(errors, "<title>1s: connect_refused 0 errors/s</title>"));
  // The fifth second covers 1.05 s: a rate, not a count.
  const json data =
      json::parse(Between(html, "<script type=\"application/json\" id=\"sp-data\">", "</script>"));
  CHECK(data["charts"]["errors"]["series"][0]["values"] == json::array({0, 2, 2, 3, 0}));
  CHECK(data["charts"]["errors"]["title"] == "Errors by kind");

  json documents = Fixture();  // snapshots without errors_by_type: one series of all errors
  for (json& d : documents) d.erase("errors_by_type");
  const std::string plain = HtmlFor(documents);
  CHECK(Has(Between(plain, "id=\"chart-errors\"", "</svg>"),
            "data-series=\"errors\" data-points=\"5\""));
  CHECK(Has(plain, "<figcaption>Errors <span class=\"unit\">(errors/s)</span>"));
}

TEST_CASE("html: throughput and latency p95 per request name", "[html]") {
  const std::string html = HtmlFor(Fixture());
  CHECK(Has(html, "<h3 id=\"by-request\">By request</h3>"));
  const std::string rate =
      Between(html, "<svg class=\"chart\" id=\"chart-request-throughput\"", "</figure>");
  CHECK(Occurrences(rate, "<path class=\"series") == 3);
  CHECK(Has(rate,
            "<span class=\"key p1\"><i></i>message/&lt;script&gt;alert(1)&lt;/script&gt;</span>"));
  CHECK(Has(rate, "<title>2s: message/send 592 req/s</title>"));
  const std::string p95 =
      Between(html, "<svg class=\"chart\" id=\"chart-request-latency\"", "</figure>");
  CHECK(Has(p95, "data-scale=\"log\""));
  CHECK(Occurrences(p95, "<path class=\"series") == 3);
  const json data =
      json::parse(Between(html, "<script type=\"application/json\" id=\"sp-data\">", "</script>"));
  const json& series = data["charts"]["request-latency"]["series"];
  REQUIRE(series.size() == 3);
  CHECK(series[2]["label"] == "command/start");
  for (const json& s : series) {
    for (const json& v : s["values"])
      CHECK((v.get<double>() > 2 && v.get<double>() < 421));  // within min .. max
  }

  json documents = Fixture();  // snapshots without per-name data: no such charts
  for (json& d : documents) d.erase("requests_by_name"), d.erase("recorder");
  const std::string without = HtmlFor(documents);
  CHECK(!Has(without, "id=\"chart-request-throughput\""));
  CHECK(!Has(without, "id=\"by-request\""));
  CHECK(Occurrences(without, "<svg class=\"chart\"") == 5);
}

TEST_CASE("html: the latency distribution is drawn from the summary's histogram", "[html]") {
  const std::string html = HtmlFor(Fixture());
  const std::string svg = Between(html, "<svg class=\"chart\" id=\"chart-distribution\"", "</svg>");
  REQUIRE(!svg.empty());
  CHECK(Has(html, "<section id=\"distribution\"><h2>Latency distribution</h2>"));
  // Every request of the run is in a bar: the bars' counts add up to the summary's 2,625.
  double counted = 0;
  for (size_t at = svg.find("<rect class=\"bar\""); at != std::string::npos;
       at = svg.find("<rect class=\"bar\"", at + 1)) {
    const size_t colon = svg.find(" ms: ", at) + 5;
    std::string count = svg.substr(colon, svg.find(" requests", colon) - colon);
    count.erase(std::remove(count.begin(), count.end(), ','), count.end());  // "1,234"
    counted += std::stod(count);
  }
  CHECK(counted == 2625);
  for (const char* mark : {"p50", "p95", "p99"})
    CHECK(Has(svg, std::string("data-mark=\"") + mark + "\""));
  CHECK(Has(svg, "<title>p99 120 ms</title>"));

  // The lossless recorder's histogram comes first: one value, one bar.
  json documents = Fixture();
  Summary(documents)["recorder"] = {{"latency", {{"buckets", {{1100, 7}}}}}};
  const std::string one = Between(HtmlFor(documents), "id=\"chart-distribution\"", "</svg>");
  CHECK(Occurrences(one, "<rect class=\"bar\"") == 1);
  CHECK(Has(one, ": 7 requests, 100.00%</title>"));

  Summary(documents).erase("recorder");  // no histogram at all: no section
  Summary(documents).erase("latency_histogram");
  CHECK(!Has(HtmlFor(documents), "id=\"distribution\""));
}

TEST_CASE("html: a profile's workloads are strips on every time chart", "[html]") {
  json documents = Fixture();
  json& start = documents.front();
  start["stages"][0]["workload"] = "browse";
  start["stages"][1]["workload"] = "checkout";
  start["stages"][1]["start_s"] = 1.0;  // side by side with browse
  start["workloads"] = json::array({{{"name", "browse"}, {"start_s", 0.0}, {"stages", {0}}},
                                    {{"name", "checkout"}, {"start_s", 1.0}, {"stages", {1}}}});
  Summary(documents).erase("stages");  // the planned stages then
  const std::string html = HtmlFor(documents);
  const std::string svg = Between(html, "<svg class=\"chart\" id=\"chart-throughput\"", "</svg>");
  CHECK(Occurrences(svg, "class=\"band stage-band") == 0);  // they overlap
  CHECK(Has(
      svg,
      "<rect class=\"band workload-band p0\" x=\"58.0\" y=\"12.0\" width=\"407.5\" height=\"13.0\">"
      "<title>workload browse: 0s – 3s</title></rect><text class=\"band-label workload-label\""));
  CHECK(Has(svg,
            "<rect class=\"band workload-band p1\" x=\"193.8\" y=\"25.0\" width=\"271.7\" "
            "height=\"13.0\">"
            "<title>workload checkout: 1s – 3s</title></rect>"));
  CHECK(Occurrences(html, "class=\"band workload-band p0\"") == 6);  // on each time chart
  CHECK(Occurrences(Between(html, "id=\"chart-distribution\"", "</svg>"), "workload-band") == 0);
}

TEST_CASE("html: strings from the plan and the server are escaped everywhere", "[html]") {
  const std::string html = HtmlFor(Fixture());
  // The request name <script>alert(1)</script> is text, never markup.
  CHECK(!Has(html, "<script>alert(1)"));
  CHECK(Has(html, "<td>message/&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
  CHECK(Occurrences(html, "<script") == 3);  // the error trap, the data block, the page script
  CHECK(Occurrences(html, "</script>") == 3);
  // The plan name with quotes and ampersands, in text and in attributes.
  CHECK(Has(html, "<title>checkout &quot;quotes&quot; &amp; ampersands · stressplan report</title>"));
  CHECK(Has(html, "<h1>checkout &quot;quotes&quot; &amp; ampersands</h1>"));
  CHECK(Has(html, "Checkout under load \u2028 with &lt;/script&gt;&lt;!-- tricky --&gt; text"));
  // The embedded JSON cannot end its element or open a comment, and parses back to the same data.
  const std::string data = Between(html, "<script type=\"application/json\" id=\"sp-data\">", "</script>");
  REQUIRE(!data.empty());
  CHECK(!Has(data, "</"));
  CHECK(!Has(data, "<!--"));
  CHECK(!Has(data, "\u2028"));
  CHECK(!Has(data, "\u2029"));
  const json parsed = json::parse(data);
  CHECK(parsed["title"] == "checkout \"quotes\" & ampersands");
  CHECK(parsed["plan"]["description"] == "Checkout under load \u2028 with </script><!-- tricky --> text");
}

TEST_CASE("html: the page is self-contained", "[html]") {
  const std::string html = HtmlFor(Fixture());
  for (const char* attr : {" src=", " href=", " action=", " xlink:href="}) {
    for (size_t at = html.find(attr); at != std::string::npos; at = html.find(attr, at + 1)) {
      const std::string value = html.substr(at + std::strlen(attr), 12);
      INFO(attr << value);
      CHECK((value.rfind("\"#", 0) == 0 || value.rfind("\"data:", 0) == 0));
    }
  }
  CHECK(!Has(html, "@import"));
  CHECK(!Has(html, "url("));
  CHECK(Occurrences(html, "<link ") == 1);  // the empty data: icon, so browsers ask for no favicon
  CHECK(Has(html, "<link rel=\"icon\" href=\"data:,\">"));
  CHECK(Has(html, "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline';"));
}

TEST_CASE("html: tables of requests, errors, status codes, stages, thresholds, experiments and events",
          "[html]") {
  const std::string html = HtmlFor(Fixture());
  for (const char* id : {"requests-table", "errors-table", "checks-table", "status-table", "stages-table",
                         "thresholds-table", "experiments-table", "event-counts-table", "events-table"}) {
    INFO(id);
    CHECK(Has(html, std::string("<table class=\"sortable\" id=\"") + id + "\">"));
  }
  CHECK(Has(html, "<td>10 users</td><td>5–10 users, 1,155 iterations</td>"));
  CHECK(Has(
      html,
      "<td>150.0/s, 300 iterations, at most 100 in flight</td><td>148.0/s, 296 iterations, 0 dropped</td>"));
  CHECK(Has(html, "<tr class=\"bad\"><td>error_rate &lt; 0.1%</td>"));
  CHECK(Has(html, "<td class=\"result fail\">FAIL</td>"));
  // The scope is its own column, not repeated in the name; a skipped threshold says why.
  CHECK(!Has(html, "alert(1)&lt;/script&gt;]</td>"));
  CHECK(Has(html, "<td>recovery_time &lt; 10s</td>"));
  CHECK(Has(html, "<td class=\"result skipped\">skipped: --mode load runs no chaos steps: there is no fault to "
                  "recover from</td>"));
  CHECK(Has(html, "1 of 2 thresholds failed"));  // the skipped one is not counted
  CHECK(Has(html, "<td>kill one replica</td><td>process kill</td><td>completed</td><td>held</td><td>2.5 s – 4.0 s</td>"));
  CHECK(Has(html, ">8.00%</td>"));      // errors during the fault
  CHECK(Has(html, ">180.5 ms</td>"));   // p95 during the fault
  CHECK(Has(html, "<td>1.0 s</td>"));   // recovery time
  CHECK(Has(html, "<table class=\"sortable\" id=\"circuit-table\">"));
  CHECK(Has(html, "<td>observer:breaker</td>"));
  CHECK(Has(html, "<td>http</td><td>circuit_open</td>"));
}

TEST_CASE("html: the steady state is what the probes saw", "[html]") {
  struct Row {
    bool before_ok, after_ok, deviated, probes;
    const char* shown;
  };
  for (const Row& row : {Row{false, true, false, true, "not met before"}, Row{false, false, true, true, "not met before"},
                         Row{true, false, true, true, "deviated"}, Row{true, true, false, true, "held"},
                         Row{true, true, false, false, "no probes"}}) {
    INFO(row.shown);
    json documents = Fixture();
    json& e = Summary(documents)["experiments"][0];
    e["deviated"] = row.deviated;
    e["steady_state"] = {{"before", json::array()}, {"after", json::array()}};
    if (row.probes) {
      e["steady_state"]["before"].push_back({{"name", "health"}, {"ok", row.before_ok}, {"observed", "x"}});
      e["steady_state"]["after"].push_back({{"name", "health"}, {"ok", row.after_ok}, {"observed", "x"}});
    }
    CHECK(Has(HtmlFor(documents), std::string("<td>kill one replica</td><td>process kill</td><td>completed</td><td>") +
                                      row.shown + "</td>"));
  }
}

TEST_CASE("html: without thresholds or experiments their sections are left out", "[html]") {
  json documents = Fixture();
  Summary(documents).erase("thresholds");
  Summary(documents).erase("experiments");
  const std::string html = HtmlFor(documents);
  CHECK(!Has(html, "id=\"thresholds\""));
  CHECK(!Has(html, "id=\"experiments\""));
  CHECK(!Has(html, "class=\"band chaos-band\""));
  CHECK(Has(html, "<span class=\"verdict ok\" id=\"verdict\">COMPLETED</span>"));
}

TEST_CASE("html: untrustworthy, interrupted and incomplete runs say so first", "[html]") {
  json documents = Fixture();
  json& s = Summary(documents);
  s.erase("thresholds");
  SECTION("untrustworthy") {
    s["trustworthy"] = false;
    s["untrustworthy_reasons"] = {"stage 1: 112/s started of 150/s planned <1>"};
    const std::string html = HtmlFor(documents);
    CHECK(Has(html, "<span class=\"verdict bad\" id=\"verdict\">UNTRUSTWORTHY</span>"));
    CHECK(Has(html, "<li>stage 1: 112/s started of 150/s planned &lt;1&gt;</li>"));
  }
  SECTION("interrupted") {
    s["status"] = "interrupted";
    s["status_reason"] = "SIGINT";
    const std::string html = HtmlFor(documents);
    CHECK(Has(html, "<span class=\"verdict warn\" id=\"verdict\">INTERRUPTED</span>"));
    CHECK(Has(html, "<strong>Interrupted.</strong> SIGINT</div>"));
  }
  SECTION("no summary") {
    documents.erase(documents.size() - 1);
    const std::string html = HtmlFor(documents);
    CHECK(Has(html, "<span class=\"verdict warn\" id=\"verdict\">INCOMPLETE</span>"));
    CHECK(Occurrences(html, "<svg class=\"chart\"") == 6);  // no summary, no distribution
    // The chaos window from the snapshots that had the step in (seconds 3 and 4).
    CHECK(Has(
        html,
        "<rect class=\"band chaos-band\" x=\"329.7\" y=\"12.0\" width=\"271.7\" height=\"188.0\">"
        "<title>chaos: kill one replica (in during these seconds)</title></rect>"));
    CHECK(Has(html, "data-points=\"5\""));
    CHECK(!Has(html, "id=\"summary\""));
  }
  SECTION("nothing but a summary") {
    json only_summary = json::array({s});
    const std::string html = HtmlFor(only_summary);
    CHECK(Has(html, "<div class=\"value\">2,625</div>"));
    CHECK(Has(html, "<text class=\"no-data\""));
  }
}

TEST_CASE("html: a long run is drawn with a bounded number of points", "[html]") {
  json documents = Fixture();
  json tail = documents.back();
  json snapshot = documents[1];
  documents.erase(documents.begin() + 1, documents.end());
  for (int i = 1; i <= 5000; ++i) {
    snapshot["second"] = i;
    snapshot["elapsed_s"] = i;
    snapshot["latency_ms"]["p99"] = i == 4321 ? 9999.0 : 40.0;
    documents.push_back(snapshot);
  }
  tail["duration_s"] = 5000.0;
  documents.push_back(tail);
  const std::string html = HtmlFor(documents);
  const std::string latency = Between(html, "id=\"chart-latency\"", "</svg>");
  const std::string points = AttrAfter(latency, "data-series=\"p99\"", "data-points");
  REQUIRE(!points.empty());
  CHECK(std::stoi(points) <= 1200);
  CHECK(std::stoi(points) >= 1000);
  CHECK(!Has(latency, "<circle"));
  CHECK(Has(html, "5,000 seconds drawn as"));
  CHECK(Has(Between(html, "<script type=\"application/json\" id=\"sp-data\">", "</script>"),
            "9999"));  // the worst second survives
  CHECK(html.size() < 2'000'000);
}

TEST_CASE("html: title names the page; the plan's name is the default", "[html]") {
  const std::string html = HtmlFor(Fixture(), {{"title", "Nightly <run>"}});
  CHECK(Has(html, "<title>Nightly &lt;run&gt; · stressplan report</title>"));
  CHECK(Has(html, "<h1>Nightly &lt;run&gt;</h1>"));
}

TEST_CASE("html: bad options are refused at create, naming the option", "[html]") {
  TempDir dir;
  ReporterPlugin plugin(STRESSPLAN_HTML_PLUGIN);
  std::filesystem::create_directories(dir / "a-folder");
  { std::ofstream(dir / "a-file") << "x"; }
  struct Row {
    std::string name, value, option, says;
  };
  const Row rows[] = {
      {"path", dir / "a-folder", "path", "is a folder"},
      {"path", dir.path() + "/", "path", "names a folder"},
      {"path", dir / "a-file/report.html", "path", "is a file, not a folder"},
      {"path", "", "path", "path is empty"},
      {"title", "", "title", "title is empty"},
  };
  for (const Row& row : rows) {
    std::map<std::string, std::string> options{{"path", dir / "ok.html"}};
    options[row.name] = row.value;
    sp::reporters_test::Outcome o = plugin.Create(options);
    INFO(row.name << "=" << row.value << ": " << o.err.message);
    CHECK(o.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(o.err.option) == row.option);
    CHECK(std::string(o.err.message).find(row.says) != std::string::npos);
  }
}

TEST_CASE("html: writes through a temporary file; a document that is not JSON is refused", "[html]") {
  TempDir dir;
  ReporterPlugin plugin(STRESSPLAN_HTML_PLUGIN);
  const std::string path = dir / "out/report.html";
  REQUIRE(plugin.Run({{"path", path}}, Stream(Fixture())).status == SP_OK);
  CHECK(sp::reporters_test::FileExists(path));
  CHECK(!sp::reporters_test::FileExists(path + ".tmp"));
  sp::reporters_test::Outcome o = plugin.Run({{"path", path}}, {{SP_DOC_SNAPSHOT, "not json"}});
  CHECK(o.status == SP_ERROR);
  CHECK(o.step == "on_document");
  CHECK(std::string(o.err.message).find("bad document") == 0);
}

TEST_CASE("html: a profile's workloads get a table, and each stage names its workload", "[html]") {
  json documents = Fixture();
  json& s = Summary(documents);
  CHECK(!Has(HtmlFor(documents), "id=\"workloads\""));  // a stages: profile has none
  s["stages"][0]["workload"] = "browse";
  s["stages"][0]["workload_stage"] = 0;
  s["workloads"] = json::array({{{"name", "browse"},
                                 {"start_s", 0.0},
                                 {"duration_s", 5.0},
                                 {"stages", {0}},
                                 {"requests", 1200},
                                 {"errors", 3},
                                 {"error_rate", 0.0025},
                                 {"throughput_rps", 240.0},
                                 {"latency_ms",
                                  {{"min", 1.0},
                                   {"mean", 2.0},
                                   {"p50", 2.0},
                                   {"p90", 3.0},
                                   {"p95", 4.5},
                                   {"p99", 9.25},
                                   {"max", 20.0}}},
                                 {"iterations_started", 1200},
                                 {"iterations_completed", 1199},
                                 {"dropped", 0}}});
  const std::string html = HtmlFor(documents);
  CHECK(Has(html, "<table class=\"sortable\" id=\"workloads-table\">"));
  CHECK(Has(html, "<tr><td>browse</td>"));
  CHECK(Has(html, ">240.0</td>"));
  CHECK(Has(html, ">9.25</td>"));
  CHECK(Has(html, "<td>closed, workload browse</td>"));
}
