#include "plugins/reporters/prometheus/run_metrics.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/metrics/histogram.h"
#include "plugins/reporters/prometheus/text_format.h"

using nlohmann::json;
using namespace sp::prometheus_reporter;

namespace {

// A recorder histogram (docs/reports.md) of these latencies.
json Hist(std::initializer_list<uint64_t> values_ns) {
  sp::metrics::Histogram h;
  for (uint64_t v : values_ns) h.Record(v);
  json b = json::array();
  for (const auto& [bucket, n] : h.Buckets()) b.push_back({bucket, n});
  return {{"unit", "ns"},
          {"encoding", "hdr-log-linear-7"},
          {"count", h.count()},
          {"sum", h.sum()},
          {"buckets", b}};
}

json Snapshot(double elapsed, json by_name, json hist, std::vector<std::string> chaos) {
  return {{"type", "snapshot"},
          {"elapsed_s", elapsed},
          {"users", {{"planned", 10}, {"active", 8}}},
          {"iterations_started", 4},
          {"dropped", 1},
          {"in_flight", 2},
          {"requests_by_name", by_name},
          {"errors_by_type", {{"timeout", 1}}},
          {"status_codes", {{"200", 3}}},
          {"events", json::object()},
          {"latency_ms", {{"mean", 2.0}}},
          {"service_time_ms", {{"mean", 1.0}}},
          {"recorder", {{"latency", hist}, {"service_time", hist}}},
          {"chaos", chaos},
          {"circuit_open", !chaos.empty()}};
}

// The value of the sample whose line starts with `prefix` (name and labels after the constant
// ones).
double Value(const std::string& text, const std::string& series) {
  const size_t at = text.find(series + " ");
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + series.size() + 1));
}

const char kConst[] = "plan=\"p\",profile=\"smoke\",environment=\"ci\",run_id=\"r1\"";

std::string S(const std::string& name, const std::string& labels = "") {
  return name + "{" + kConst + (labels.empty() ? "" : "," + labels) + "}";
}

}  // namespace

TEST_CASE("counters add the snapshots up, and the summary sets the run's totals", "[prometheus]") {
  BucketLayout layout;
  std::string err;
  REQUIRE(BucketLayout::Parse("[1, 5]", &layout, &err));
  RunMetrics m(layout, "r1");
  m.OnRunStart({{"plan", {{"name", "p"}, {"profile", "smoke"}, {"environment", "ci"}}},
                {"started_at", "2026-01-01T00:00:00Z"}});
  const json by_name = json::array({{{"name", "s/get"}, {"requests", 3}, {"errors", 1}}});
  m.OnSnapshot(Snapshot(1.0, by_name, Hist({500'000, 2'000'000, 9'000'000}), {"kill"}));
  REQUIRE(Value(TextExposition(m.Expose()), S("stressplan_circuit_open")) == 1);
  REQUIRE(Value(TextExposition(m.Expose()), S("stressplan_chaos_step_active", "step=\"kill\"")) ==
          1);
  m.OnSnapshot(Snapshot(2.0, by_name, Hist({500'000, 2'000'000, 9'000'000}), {}));
  std::string text = TextExposition(m.Expose());
  REQUIRE(Value(text, S("stressplan_requests_total", "request=\"s/get\"")) == 6);
  REQUIRE(Value(text, S("stressplan_request_errors_total", "request=\"s/get\"")) == 2);
  REQUIRE(Value(text, S("stressplan_errors_total", "kind=\"timeout\"")) == 2);
  REQUIRE(Value(text, S("stressplan_responses_total", "status=\"200\"")) == 6);
  REQUIRE(Value(text, S("stressplan_dropped_iterations_total")) == 2);
  REQUIRE(Value(text, S("stressplan_request_duration_seconds_bucket", "le=\"0.001\"")) == 2);
  REQUIRE(Value(text, S("stressplan_request_duration_seconds_bucket", "le=\"0.005\"")) == 4);
  REQUIRE(Value(text, S("stressplan_request_duration_seconds_bucket", "le=\"+Inf\"")) == 6);
  REQUIRE(Value(text, S("stressplan_request_duration_seconds_count")) == 6);
  // The recorders' exact sums: (0.5 + 2 + 9) ms, twice.
  REQUIRE(Value(text, S("stressplan_request_duration_seconds_sum")) == Approx(0.023));
  REQUIRE(Value(text, S("stressplan_rate_achieved")) == 4);
  REQUIRE(Value(text, S("stressplan_users_active")) == 8);
  REQUIRE(Value(text, S("stressplan_chaos_step_active", "step=\"kill\"")) == 0);
  REQUIRE(Value(text, S("stressplan_circuit_open")) == 0);
  REQUIRE(Value(text, S("stressplan_run_finished")) == 0);

  // A snapshot the bus dropped is in the summary: the counters jump to the totals.
  m.OnSummary(
      {{"requests_by_name", json::array({{{"name", "s/get"}, {"requests", 9}, {"errors", 3}}})},
       {"errors_by_type", {{"timeout", 3}}},
       {"status_codes", {{"200", 9}}},
       {"events", {{"plugin_event", 1}}},
       {"dropped_iterations", 3},
       {"stages", json::array({{{"iterations_started", 12}}})},
       {"latency_ms", {{"mean", 4.0}}},
       {"recorder", {{"latency", Hist({1, 2, 3, 4, 5, 6, 7, 8, 9'000'000})}}}});
  text = TextExposition(m.Expose());
  REQUIRE(Value(text, S("stressplan_requests_total", "request=\"s/get\"")) == 9);
  REQUIRE(Value(text, S("stressplan_errors_total", "kind=\"timeout\"")) == 3);
  REQUIRE(Value(text, S("stressplan_events_total", "event=\"plugin_event\"")) == 1);
  REQUIRE(Value(text, S("stressplan_iterations_started_total")) == 12);
  REQUIRE(Value(text, S("stressplan_dropped_iterations_total")) == 3);
  REQUIRE(Value(text, S("stressplan_request_duration_seconds_bucket", "le=\"0.001\"")) == 8);
  REQUIRE(Value(text, S("stressplan_request_duration_seconds_count")) == 9);
  REQUIRE(Value(text, S("stressplan_request_duration_seconds_sum")) == Approx(0.009000036));
  REQUIRE(Value(text, S("stressplan_run_finished")) == 1);
}

TEST_CASE("a segment of a distributed run is a label; a missing run_id is the start time",
          "[prometheus]") {
  RunMetrics m(BucketLayout::Default(), "");
  m.OnRunStart(
      {{"plan", {{"name", "p"}}}, {"started_at", "T0"}, {"segment", {{"index", 1}, {"count", 3}}}});
  const Exposition e = m.Expose();
  REQUIRE(e.constant_labels.size() == 5);
  REQUIRE(e.constant_labels[3].value == "T0");
  REQUIRE(e.constant_labels[4].name == "segment");
  REQUIRE(e.constant_labels[4].value == "1/3");
}

TEST_CASE("documents with missing or mistyped fields fold as zero, never throw", "[prometheus]") {
  RunMetrics m(BucketLayout::Default(), "r");
  m.OnRunStart(json::array());
  m.OnSnapshot({{"requests_by_name", "x"},
                {"recorder", {{"latency", {{"buckets", {{-1, 2}, "x", {3}}}, {"sum", "x"}}}}},
                {"errors_by_type", {{"timeout", "many"}}},
                {"chaos", {1, "a"}}});
  m.OnSummary(json(nullptr));
  const std::string text = TextExposition(m.Expose());
  REQUIRE(text.find("stressplan_request_duration_seconds_count{plan=\"\",profile=\"\",environment="
                    "\"\",run_id=\"r\"} 0\n") != std::string::npos);
  REQUIRE(text.find("stressplan_errors_total{plan=\"\",profile=\"\",environment=\"\",run_id=\"r\","
                    "kind=\"timeout\"} 0\n") != std::string::npos);
}
