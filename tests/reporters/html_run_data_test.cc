// What the HTML reporter keeps of a long run: bounded, and nothing lost in the merging; the
// errors by kind and the requests by name of each snapshot.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "core/metrics/histogram.h"
#include "plugins/reporters/html/run_data.h"

using sp::html::RunData;
using sp::html::json;

TEST_CASE("html run data: a 12-hour run keeps a bounded number of samples", "[html]") {
  RunData run;
  const int seconds = 12 * 3600;
  double requests = 0, errors = 0, worst_p95 = 0;
  for (int i = 1; i <= seconds; ++i) {
    const double r = 100 + i % 7, e = i % 13 == 0 ? 3 : 0, p95 = i == 30000 ? 900.0 : 10.0 + i % 5;
    requests += r;
    errors += e;
    worst_p95 = std::max(worst_p95, p95);
    run.AddSnapshot(json{{"elapsed_s", static_cast<double>(i)}, {"requests", r}, {"errors", e},
                         {"latency_ms", {{"p50", 5.0}, {"p95", p95}, {"p99", p95 + 1}}},
                         {"users", {{"active", 10}, {"planned", 10}}}});
    REQUIRE(run.samples.size() < RunData::kMaxSamples);
  }
  CHECK(run.samples.size() >= RunData::kMaxSamples / 4);
  double kept_requests = 0, kept_errors = 0, covered = 0, kept_p95 = 0;
  for (const auto& s : run.samples) {
    kept_requests += s.requests;
    kept_errors += s.errors;
    covered += s.interval;
    kept_p95 = std::max(kept_p95, s.p95);
  }
  CHECK(kept_requests == requests);  // counts are summed, never dropped
  CHECK(kept_errors == errors);
  CHECK(covered == Approx(seconds));
  CHECK(run.samples.back().t == seconds);
  CHECK(kept_p95 == worst_p95);  // the worst second stays visible
}

namespace {

// A snapshot's recorder step `index` whose latency histogram holds `values_ns`.
json Step(int index, std::initializer_list<uint64_t> values_ns) {
  sp::metrics::Histogram h;
  for (uint64_t v : values_ns) h.Record(v);
  json buckets = json::array();
  for (const auto& [b, n] : h.Buckets()) buckets.push_back({b, n});
  return {{"index", index},
          {"requests", values_ns.size()},
          {"errors", 0},
          {"redirects", 0},
          {"latency",
           {{"unit", "ns"},
            {"count", h.count()},
            {"min", h.min()},
            {"max", h.max()},
            {"buckets", buckets}}}};
}

}  // namespace

TEST_CASE("html run data: errors by kind and requests by name, per snapshot", "[html]") {
  RunData run;
  run.run_start = json::parse(
      R"({"scenarios": [{"name": "a", "requests": ["x", "y"]}, {"name": "b", "requests": ["z"]}]})");
  run.AddSnapshot(
      json{{"elapsed_s", 1.0},
           {"requests", 30},
           {"errors", 3},
           {"errors_by_type", {{"http_5xx", 2}, {"reset", 1}, {"tls", 0}}},
           {"requests_by_name", json::array({{{"name", "b/z"}, {"requests", 10}, {"errors", 1}},
                                             {{"name", "a/x"}, {"requests", 20}, {"errors", 2}}})},
           {"recorder",
            {{"steps", json::array({Step(0, {1'000'000, 2'000'000, 40'000'000}),
                                    Step(2, {5'000'000}), Step(7, {1})})}}}});
  run.AddSnapshot(
      json{{"elapsed_s", 2.0},
           {"requests", 5},
           {"errors", 1},
           {"errors_by_type", {{"reset", 1}}},
           {"requests_by_name", json::array({{{"name", "a/y"}, {"requests", 5}, {"errors", 1}}})}});
  CHECK(run.error_kinds ==
        std::vector<std::string>{"http_5xx", "reset"});  // a zero count is no kind
  CHECK(run.request_names == std::vector<std::string>{"b/z", "a/x", "a/y"});
  REQUIRE(run.samples.size() == 2);
  const sp::html::Sample& first = run.samples[0];
  REQUIRE(first.errors_by_kind.size() == 2);
  CHECK((first.errors_by_kind[0].kind == 0 && first.errors_by_kind[0].count == 2));
  CHECK((first.errors_by_kind[1].kind == 1 && first.errors_by_kind[1].count == 1));
  REQUIRE(first.by_name.size() == 2);  // step 7 is not in run_start's table
  CHECK(first.by_name[0].name == 0);   // b/z
  CHECK(first.by_name[0].requests == 10);
  CHECK(first.by_name[0].p95 == Approx(5.0).epsilon(0.01));
  CHECK(first.by_name[1].name == 1);  // a/x: its p95 is the slowest of three
  CHECK(first.by_name[1].errors == 2);
  CHECK(first.by_name[1].p95 == Approx(40.0).epsilon(0.01));
  REQUIRE(run.samples[1].by_name.size() == 1);
  CHECK(std::isnan(run.samples[1].by_name[0].p95));  // no recorder: counts only
  CHECK(!run.request_names_not_kept);
}

TEST_CASE("html run data: kinds and names are bounded", "[html]") {
  RunData run;
  json kinds = json::object(), names = json::array();
  for (int i = 0; i < 40; ++i) {
    kinds["kind_" + std::to_string(100 + i)] = 1;
    names.push_back({{"name", "s/r" + std::to_string(100 + i)}, {"requests", 1}, {"errors", 0}});
  }
  run.AddSnapshot(json{{"elapsed_s", 1.0}, {"errors_by_type", kinds}, {"requests_by_name", names}});
  REQUIRE(run.error_kinds.size() == RunData::kMaxErrorKinds);
  CHECK(run.error_kinds.back() == "other");
  double counted = 0;
  for (const auto& k : run.samples[0].errors_by_kind) counted += k.count;
  CHECK(counted == 40);  // every error is still counted, the rest as "other"
  CHECK(run.samples[0].errors_by_kind.back().count == 40 - (RunData::kMaxErrorKinds - 1));
  CHECK(run.request_names.size() == RunData::kMaxRequestNames);
  CHECK(run.samples[0].by_name.size() == RunData::kMaxRequestNames);
  CHECK(run.request_names_not_kept);
}

TEST_CASE("html run data: merging samples sums kinds and names and keeps the worst p95", "[html]") {
  std::vector<sp::html::Sample> samples(4);
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i].t = static_cast<double>(i + 1);
    samples[i].errors_by_kind = {{i % 2, 1.0 + static_cast<double>(i)}};
    samples[i].by_name = {{0, 10, 1, 5.0 * static_cast<double>(i + 1)}};
    if (i == 3) samples[i].by_name.push_back({1, 7, 0, sp::html::kNaN});
  }
  const std::vector<sp::html::Sample> merged = sp::html::Downsample(samples, 2);
  REQUIRE(merged.size() == 2);
  REQUIRE(merged[0].errors_by_kind.size() == 2);
  CHECK(merged[0].errors_by_kind[0].count == 1);  // kind 0 from sample 0
  CHECK(merged[0].errors_by_kind[1].count == 2);  // kind 1 from sample 1
  REQUIRE(merged[1].by_name.size() == 2);
  CHECK(merged[1].by_name[0].requests == 20);
  CHECK(merged[1].by_name[0].errors == 2);
  CHECK(merged[1].by_name[0].p95 == 20);
  CHECK(merged[1].by_name[1].requests == 7);
  CHECK(std::isnan(merged[1].by_name[1].p95));
}

TEST_CASE("html run data: the seconds each chaos step was in, from the snapshots", "[html]") {
  RunData run;
  const std::vector<json> active = {json::array(), {"a"}, {"a"}, {"b", "a"},
                                    json::array(), {"a"}, {7}};
  for (size_t i = 0; i < active.size(); ++i) {
    run.AddSnapshot(json{{"elapsed_s", static_cast<double>(i + 1)}, {"chaos", active[i]}});
  }
  REQUIRE(run.chaos_spans.size() == 3);  // a number is not a step's name
  CHECK(run.chaos_spans[0].name == "a");
  CHECK(run.chaos_spans[0].start_s == 1);
  CHECK(run.chaos_spans[0].end_s == 4);
  CHECK(run.chaos_spans[1].name == "b");
  CHECK(run.chaos_spans[1].start_s == 3);
  CHECK(run.chaos_spans[1].end_s == 4);
  CHECK(run.chaos_spans[2].start_s == 5);  // in again after a second out: a span of its own
  CHECK(run.chaos_spans[2].end_s == 6);

  RunData many;
  for (int i = 1; i <= 500; ++i)
    many.AddSnapshot(json{{"elapsed_s", i}, {"chaos", i % 2 ? json{"x"} : json::array()}});
  CHECK(many.chaos_spans.size() == RunData::kMaxChaosSpans);
}
