// The time charts' value axes: the log axis' decades and ticks, and that on the latency chart
// a one-second p99 spike leaves p50 readable (plugins/reporters/html/log_axis.h, html_charts.h).
#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "plugins/reporters/html/html_charts.h"
#include "plugins/reporters/html/log_axis.h"

using sp::html::LogAxis;

namespace {

// The y of each point of the path of series `key` in `svg`.
std::vector<double> PathYs(const std::string& svg, const std::string& key) {
  const size_t at = svg.find("data-series=\"" + key + "\"");
  REQUIRE(at != std::string::npos);
  const size_t d = svg.find(" d=\"", at) + 4;
  std::istringstream in(svg.substr(d, svg.find('"', d) - d));
  std::vector<double> ys;
  std::string op;
  double y = 0;
  while (in >> op >> y) ys.push_back(y);
  return ys;
}

sp::html::TimeAxis FiveSeconds() {
  sp::html::TimeAxis axis;
  axis.t = {1, 2, 3, 4, 5};
  axis.t_max = 5;
  return axis;
}

}  // namespace

TEST_CASE("html log axis: the decades around the values, ticks at 1-2-5 over two decades at most",
          "[html]") {
  const LogAxis narrow = sp::html::MakeLogAxis(12, 60);
  CHECK(narrow.bottom == 10);
  CHECK(narrow.top == 100);
  CHECK(narrow.ticks == std::vector<double>{10, 20, 50, 100});

  const LogAxis two = sp::html::MakeLogAxis(2.1, 420);
  CHECK(two.bottom == 1);
  CHECK(two.top == 1000);
  CHECK(two.ticks == std::vector<double>{1, 10, 100, 1000});  // three decades: powers only

  const LogAxis small = sp::html::MakeLogAxis(0.05, 0.99);
  CHECK(small.bottom == Approx(0.01));
  CHECK(small.top == Approx(1));
  REQUIRE(small.ticks.size() == 7);
  CHECK(small.ticks[1] == Approx(0.02));
  CHECK(small.ticks[2] == Approx(0.05));
  CHECK(small.ticks[6] == Approx(1));

  // A power of ten is its own edge; a single value still spans a decade.
  CHECK(sp::html::MakeLogAxis(100, 100).bottom == 100);
  CHECK(sp::html::MakeLogAxis(100, 100).top == 1000);
  CHECK(sp::html::MakeLogAxis(10, 1000).ticks ==
        std::vector<double>{10, 20, 50, 100, 200, 500, 1000});
}

TEST_CASE("html log axis: at most seven ticks over many decades", "[html]") {
  for (int decades = 1; decades <= 14; ++decades) {
    const LogAxis a = sp::html::MakeLogAxis(1e-4, 1e-4 * std::pow(10, decades));
    INFO(decades);
    CHECK(a.ticks.size() <= 7);
    CHECK(a.ticks.front() == Approx(a.bottom));
    CHECK(a.ticks.back() == Approx(a.top));
    for (size_t i = 1; i < a.ticks.size(); ++i) CHECK(a.ticks[i] > a.ticks[i - 1]);
  }
}

TEST_CASE("html log axis: fractions and labels", "[html]") {
  const LogAxis a = sp::html::MakeLogAxis(1, 1000);
  CHECK(sp::html::LogFraction(a, 1) == 0);
  CHECK(sp::html::LogFraction(a, 10) == Approx(1.0 / 3));
  CHECK(sp::html::LogFraction(a, 1000) == Approx(1));
  CHECK(sp::html::LogFraction(a, 5000) == 1);  // clamped
  CHECK(sp::html::LogFraction(a, 0) == 0);
  CHECK(sp::html::LogTickLabel(0.001) == "0.001");
  CHECK(sp::html::LogTickLabel(0.05) == "0.05");
  CHECK(sp::html::LogTickLabel(0.2) == "0.2");
  CHECK(sp::html::LogTickLabel(5) == "5");
  CHECK(sp::html::LogTickLabel(100) == "100");
  CHECK(sp::html::LogTickLabel(2000) == "2k");
  CHECK(sp::html::LogTickLabel(1e6) == "1M");
}

TEST_CASE("html charts: on the log-scale latency chart a p99 spike leaves p50 readable", "[html]") {
  sp::html::Chart latency{
      "latency",
      "Latency",
      "ms",
      {{"p50", "p50", false, {2, 2.2, 2.1, 2.4, 2}}, {"p99", "p99", false, {8, 9, 1000, 9, 8}}}};
  const double plot = sp::html::kPlotBottom - sp::html::kPlotTop;
  // Linear: 2 ms under a 1 s top is within a pixel of the axis, and 2.0 and 2.4 share a pixel.
  const std::vector<double> linear = PathYs(sp::html::RenderChart(latency, FiveSeconds()), "p50");
  CHECK(sp::html::kPlotBottom - linear[0] < 1);
  latency.log_y = true;
  const std::string svg = sp::html::RenderChart(latency, FiveSeconds());
  CHECK(svg.find("data-scale=\"log\"") != std::string::npos);
  CHECK(svg.find("(ms, log scale)") != std::string::npos);
  const std::vector<double> p50 = PathYs(svg, "p50"), p99 = PathYs(svg, "p99");
  REQUIRE(p50.size() == 5);
  // Axis 1..1000 ms: 2 ms sits log10(2)/3 of the way up, the spike at the top.
  CHECK(p50[0] == Approx(sp::html::kPlotBottom - plot * std::log10(2.0) / 3).margin(0.06));
  CHECK(p99[2] == Approx(sp::html::kPlotTop).margin(0.06));
  CHECK(p50[0] - p50[3] > 4);  // 2.0 vs 2.4 ms: visibly apart
  for (const char* label : {">1</text>", ">10</text>", ">100</text>", ">1k</text>"}) {
    CHECK(svg.find(label) != std::string::npos);
  }
}

TEST_CASE("html charts: a log-scale chart leaves a gap at values that are not positive", "[html]") {
  sp::html::Chart c{"latency", "Latency", "ms", {{"p50", "p50", false, {2, 0, -1, 3, 4}}}, true};
  const std::string svg = sp::html::RenderChart(c, FiveSeconds());
  CHECK(svg.find("data-points=\"3\"") != std::string::npos);
  CHECK(PathYs(svg, "p50").size() == 3);
  sp::html::Chart empty{"latency", "Latency", "ms", {{"p50", "p50", false, {0, 0, 0, 0, 0}}}, true};
  CHECK(sp::html::RenderChart(empty, FiveSeconds()).find("class=\"no-data\"") != std::string::npos);
}

TEST_CASE("html charts: workloads are strips in their lanes; stage labels sit below them",
          "[html]") {
  sp::html::TimeAxis axis = FiveSeconds();
  axis.bands = {{0, 5, "stage 0", "stage 0", sp::html::BandKind::kStage, 0, 0},
                {0, 2.5, "browse", "workload browse", sp::html::BandKind::kWorkload, 0, 0},
                {1, 5, "checkout", "workload checkout", sp::html::BandKind::kWorkload, 1, 1}};
  const std::string svg =
      sp::html::RenderChart({"x", "X", "u", {{"a", "a", false, {1, 2, 3, 4, 5}}}}, axis);
  const double top = sp::html::kPlotTop, lane = sp::html::kLaneHeight;
  CHECK(svg.find("<rect class=\"band workload-band p0\" x=\"58.0\" y=\"12.0\" width=\"343.0\" "
                 "height=\"13.0\">") != std::string::npos);
  CHECK(svg.find("<rect class=\"band workload-band p1\" x=\"195.2\" y=\"25.0\" width=\"548.8\" "
                 "height=\"13.0\">") != std::string::npos);
  CHECK(top + lane == 25);
  // Two lanes: the stage's label goes under the second.
  CHECK(svg.find("<text class=\"band-label\" x=\"62.0\" y=\"49.0\">stage 0</text>") !=
        std::string::npos);
}
