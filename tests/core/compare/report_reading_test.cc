// What compare reads of a report (core/compare/report_reading.h): a scope's latency percentile
// comes from its lossless histogram in summary.recorder when the report has one — the run's,
// a request step's (recorder.steps, indexed like requests_by_name), a stage's — and from the
// percentile's point value otherwise.
#include "core/compare/report_reading.h"

#include <catch2/catch.hpp>

#include "core/report/recorder_json.h"

using nlohmann::json;
using sp::compare::LoadedReport;
using sp::compare::ParseRule;
using sp::compare::Read;
using sp::compare::Reading;
using sp::compare::Rule;
using sp::metrics::Histogram;

namespace {

// n latencies spread evenly over [low, low + 1] ms.
Histogram Spread(int n, double low_ms) {
  Histogram h;
  for (int i = 0; i < n; ++i) h.Record(static_cast<uint64_t>((low_ms + 1.0 * i / n) * 1e6));
  return h;
}

Reading ReadRule(const LoadedReport& report, const std::string& text) {
  Rule r;
  std::string err;
  REQUIRE(ParseRule(text, &r, &err));
  return Read(report, r);
}

}  // namespace

TEST_CASE("compare reading: percentiles from the scope's recorder histogram, else the point",
          "[compare]") {
  const Histogram run = Spread(3000, 10), service = Spread(3000, 8);
  const Histogram step_b = Spread(2000, 20), stage_0 = Spread(1000, 30);
  LoadedReport report;
  report.doc = json::parse(R"({"type": "report", "summary": {
      "requests": 3000, "latency_ms": {"p95": 1.0},
      "requests_by_name": [
        {"name": "a", "requests": 1000, "latency_ms": {"p95": 777.0}},
        {"name": "b", "requests": 2000, "latency_ms": {"p95": 888.0}}],
      "stages": [{"index": 0, "requests": 1000, "latency_ms": {"p95": 999.0}}],
      "workloads": [{"name": "w", "requests": 3000, "latency_ms": {"p95": 555.0}}]}})");
  json& recorder = report.doc["summary"]["recorder"];
  recorder["latency"] = sp::report::HistogramToJson(run);
  recorder["service_time"] = sp::report::HistogramToJson(service);
  // Step 0 ("a") served nothing the recorder kept: only step 1 ("b") has an entry.
  recorder["steps"] =
      json::array({{{"index", 1}, {"latency", sp::report::HistogramToJson(step_b)}}});
  recorder["stages"] =
      json::array({{{"index", 0}, {"latency", sp::report::HistogramToJson(stage_0)}}});

  Reading r = ReadRule(report, "latency.p95 +10%");
  REQUIRE(r.histogram);
  CHECK(r.histogram->count() == 3000);
  CHECK(r.value == Approx(run.Percentile(95) / 1e9));
  r = ReadRule(report, "service_time.p99 +10%");
  REQUIRE(r.histogram);
  CHECK(r.value == Approx(service.Percentile(99) / 1e9));

  r = ReadRule(report, "latency.p95 +10% request:b");
  REQUIRE(r.histogram);
  CHECK(r.histogram->count() == 2000);
  CHECK(r.histogram->min() == step_b.min());  // lossless: the recorded extremes, not bucket edges
  CHECK(r.value == Approx(step_b.Percentile(95) / 1e9));
  CHECK(r.value < 0.022);

  r = ReadRule(report, "latency.p95 +10% stage:0");
  REQUIRE(r.histogram);
  CHECK(r.histogram->count() == 1000);
  CHECK(r.value == Approx(stage_0.Percentile(95) / 1e9));

  // No histogram for these scopes: the percentile's point value, as written.
  r = ReadRule(report, "latency.p95 +10% request:a");
  CHECK(r.present);
  CHECK_FALSE(r.histogram);
  CHECK(r.value == Approx(0.777));
  r = ReadRule(report, "latency.p95 +10% workload:w");
  CHECK_FALSE(r.histogram);
  CHECK(r.value == Approx(0.555));
  // A step's service time has no histogram of its own either.
  r = ReadRule(report, "service_time.p95 +10% request:b");
  CHECK_FALSE(r.histogram);
}
