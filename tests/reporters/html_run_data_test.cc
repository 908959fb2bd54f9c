// What the HTML reporter keeps of a long run: bounded, and nothing lost in the merging.
#include <catch2/catch.hpp>

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
