// Time-series charts as inline SVG, drawn here rather than in the browser so the page shows
// them with scripts off and the approval baseline pins every coordinate. Every chart of a page
// shares one time axis: same x for the same second, the same stage and chaos bands and event
// marks, so they read as one stack.
#pragma once

#include <string>
#include <vector>

namespace sp::html {

// A shaded span of the run: a stage ("stage") or a chaos experiment's window ("chaos").
struct Band {
  double start_s = 0;
  double end_s = 0;
  std::string label;  // short text drawn in the band if it fits
  std::string title;  // tooltip
  std::string kind;   // "stage" or "chaos"
  int index = 0;      // stages alternate their shade by index
};

// A moment worth a vertical mark (an event document).
struct Marker {
  double t = 0;
  std::string title;
};

struct TimeAxis {
  std::vector<double> t;  // the x of each point, seconds since the run started
  double t_max = 1;       // right edge, seconds
  std::vector<Band> bands;
  std::vector<Marker> markers;
};

struct Series {
  std::string key;    // CSS class "s-<key>" colours it; [a-z0-9-]+
  std::string label;  // legend text
  bool dashed = false;
  std::vector<double> y;  // one value per TimeAxis::t; NaN leaves a gap
};

struct Chart {
  std::string id;     // the svg's id is "chart-<id>"; [a-z0-9-]+
  std::string title;  // "Throughput"
  std::string unit;   // "req/s"
  std::vector<Series> series;
};

// The SVG's coordinate system (its viewBox) and the plot area inside it.
inline constexpr double kChartWidth = 760, kChartHeight = 230;
inline constexpr double kPlotLeft = 58, kPlotRight = 744, kPlotTop = 12, kPlotBottom = 200;
// Up to this many points a chart also draws a dot, with a tooltip, on every point.
inline constexpr size_t kMaxDots = 120;
inline constexpr size_t kMaxMarkers = 100;

// The x of time `t` in the viewBox.
double ChartX(const TimeAxis& axis, double t);

// A <figure> holding the chart's <svg> and a legend.
std::string RenderChart(const Chart& chart, const TimeAxis& axis);

}  // namespace sp::html
