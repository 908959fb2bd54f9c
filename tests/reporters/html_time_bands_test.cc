// The bands of the time charts (plugins/reporters/html/time_bands.h): where stages, workloads
// and chaos windows go, and which lanes the workloads' strips take.
#include <catch2/catch.hpp>
#include <vector>

#include "plugins/reporters/html/time_bands.h"

using sp::html::Band;
using sp::html::BandKind;
using sp::html::json;
using sp::html::RunData;

namespace {

Band Span(double start, double end) { return {start, end, "", "", BandKind::kWorkload}; }

std::vector<int> Lanes(std::vector<Band> bands) {
  sp::html::AssignLanes(&bands);
  std::vector<int> out;
  for (const Band& b : bands) out.push_back(b.lane);
  return out;
}

size_t CountOf(const std::vector<Band>& bands, BandKind kind) {
  return static_cast<size_t>(
      std::count_if(bands.begin(), bands.end(), [&](const Band& b) { return b.kind == kind; }));
}

// Two workloads side by side (browse from 0 s, checkout from 10 s), as run_start plans them.
RunData TwoWorkloads() {
  RunData run;
  run.run_start = json::parse(R"({
    "stages": [{"index": 0, "model": "closed", "start_s": 0, "duration_s": 20, "workload": "browse"},
               {"index": 1, "model": "closed", "start_s": 20, "duration_s": 10, "workload": "browse"},
               {"index": 2, "model": "open", "start_s": 10, "duration_s": 30, "workload": "checkout"}],
    "workloads": [{"name": "browse", "start_s": 0, "stages": [0, 1]},
                  {"name": "checkout", "start_s": 10, "stages": [2]}]})");
  return run;
}

}  // namespace

TEST_CASE("html bands: lanes are shared by what follows and stacked for what overlaps", "[html]") {
  CHECK(Lanes({Span(0, 10), Span(10, 20), Span(20, 30)}) == std::vector<int>{0, 0, 0});
  CHECK(Lanes({Span(0, 10), Span(5, 20), Span(12, 30)}) == std::vector<int>{0, 1, 0});
  // Taken by start, whatever their order in the list.
  CHECK(Lanes({Span(12, 30), Span(5, 20), Span(0, 10)}) == std::vector<int>{0, 1, 0});
  CHECK(Lanes({Span(0, 50), Span(1, 50), Span(2, 50), Span(3, 50)}) ==
        std::vector<int>{0, 1, 2, 3});
  // Beyond kMaxLanes a band shares the lane that frees up first.
  CHECK(Lanes({Span(0, 50), Span(1, 40), Span(2, 50), Span(3, 50), Span(4, 60)}) ==
        std::vector<int>{0, 1, 2, 3, 1});
}

TEST_CASE("html bands: overlap means a common stretch longer than a millisecond", "[html]") {
  CHECK(!sp::html::AnyOverlap({Span(0, 3), Span(3, 5)}));
  CHECK(!sp::html::AnyOverlap({Span(0, 3.0004), Span(3, 5)}));  // a rounding error
  CHECK(sp::html::AnyOverlap({Span(0, 3.1), Span(3, 5)}));
  CHECK(sp::html::AnyOverlap({Span(0, 3), Span(4, 5), Span(1, 2)}));
  CHECK(!sp::html::AnyOverlap({}));
}

TEST_CASE("html bands: workloads span their stages as planned, in lanes", "[html]") {
  RunData run = TwoWorkloads();
  const std::vector<Band> bands = sp::html::TimeBands(run);
  // The stages of two workloads overlap: no full-height stage bands, two strips.
  CHECK(CountOf(bands, BandKind::kStage) == 0);
  REQUIRE(CountOf(bands, BandKind::kWorkload) == 2);
  CHECK(bands[0].label == "browse");
  CHECK(bands[0].start_s == 0);
  CHECK(bands[0].end_s == 30);
  CHECK(bands[0].lane == 0);
  CHECK(bands[0].index == 0);
  CHECK(bands[1].label == "checkout");
  CHECK(bands[1].start_s == 10);
  CHECK(bands[1].end_s == 40);
  CHECK(bands[1].lane == 1);
  CHECK(bands[1].index == 1);
  CHECK(bands[1].title == "workload checkout: 10s – 40s");
}

TEST_CASE("html bands: the summary's stages as run move the workloads' strips", "[html]") {
  RunData run = TwoWorkloads();
  // Stage 0 of browse ended early (iterations done); checkout started late.
  run.summary = json::parse(R"({
    "stages": [{"index": 0, "model": "closed", "started_s": 0, "duration_s": 12},
               {"index": 1, "model": "closed", "started_s": 12, "duration_s": 10},
               {"index": 2, "model": "open", "started_s": 10.5, "duration_s": 30}],
    "workloads": [{"name": "browse", "start_s": 0, "duration_s": 22, "stages": [0, 1]},
                  {"name": "checkout", "start_s": 10, "duration_s": 30, "stages": [2]}],
    "experiments": [{"name": "kill", "outcome": "completed", "window": {"start_s": 15, "end_s": 18}},
                    {"name": "never injected", "outcome": "skipped"}]})");
  const std::vector<Band> bands = sp::html::TimeBands(run);
  REQUIRE(CountOf(bands, BandKind::kWorkload) == 2);
  CHECK(bands[0].end_s == 22);
  CHECK(bands[1].start_s == 10.5);
  CHECK(bands[1].end_s == 40.5);
  REQUIRE(CountOf(bands, BandKind::kChaos) == 1);
  CHECK(bands.back().start_s == 15);
  CHECK(bands.back().end_s == 18);
  CHECK(bands.back().title == "chaos: kill (completed)");
}

TEST_CASE("html bands: workloads one after the other keep their stage bands and share a lane",
          "[html]") {
  RunData run;
  run.run_start = json::parse(R"({
    "stages": [{"index": 0, "model": "closed", "start_s": 0, "duration_s": 10, "workload": "warm"},
               {"index": 1, "model": "open", "start_s": 10, "duration_s": 20, "workload": "peak"}],
    "workloads": [{"name": "warm", "start_s": 0, "stages": [0]}, {"name": "peak", "start_s": 10, "stages": [1]},
                  {"name": "no stages known", "start_s": 5}]})");
  const std::vector<Band> bands = sp::html::TimeBands(run);
  REQUIRE(CountOf(bands, BandKind::kStage) == 2);
  CHECK(bands[0].title == "stage 0 (closed), workload warm");
  REQUIRE(CountOf(bands, BandKind::kWorkload) == 2);  // the third has neither stages nor a duration
  CHECK(bands[2].lane == 0);
  CHECK(bands[3].lane == 0);
}

TEST_CASE("html bands: a profile without workloads has its stages and no strips", "[html]") {
  RunData run;
  run.run_start =
      json::parse(R"({"stages": [{"index": 0, "model": "closed", "start_s": 0, "duration_s": 3},
                                            {"index": 1, "model": "open", "start_s": 3, "duration_s": 2}]})");
  const std::vector<Band> bands = sp::html::TimeBands(run);
  REQUIRE(bands.size() == 2);
  CHECK(bands[1].kind == BandKind::kStage);
  CHECK(bands[1].index == 1);
  CHECK(bands[1].start_s == 3);
  CHECK(bands[1].end_s == 5);
}

TEST_CASE("html bands: without a summary the chaos bands are the snapshots' spans", "[html]") {
  RunData run;
  run.chaos_spans = {{"kill", 2, 4}};
  std::vector<Band> bands = sp::html::TimeBands(run);
  REQUIRE(bands.size() == 1);
  CHECK(bands[0].kind == BandKind::kChaos);
  CHECK(bands[0].start_s == 2);
  CHECK(bands[0].end_s == 4);
  CHECK(bands[0].title == "chaos: kill (in during these seconds)");
  run.summary = json::object();  // with a summary its experiments' windows are the truth
  CHECK(sp::html::TimeBands(run).empty());
}
