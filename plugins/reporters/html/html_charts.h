// Time-series charts as inline SVG, drawn here rather than in the browser so the page shows
// them with scripts off and the approval baseline pins every coordinate. Every chart of a page
// shares one time axis: same x for the same second, the same stage, workload and chaos bands
// and event marks, so they read as one stack.
#pragma once

#include <string>
#include <vector>

namespace sp::html {

enum class BandKind {
  kStage,     // a stage: full height, shades alternating by index
  kChaos,     // a chaos experiment's window: full height, red
  kWorkload,  // a workload: a strip across the top of the plot, in its lane
};

// A shaded span of the run.
struct Band {
  double start_s = 0;
  double end_s = 0;
  std::string label;  // short text drawn in the band if it fits
  std::string title;  // tooltip
  BandKind kind = BandKind::kStage;
  int index = 0;  // stages alternate their shade by index; workloads take a colour by index
  int lane = 0;   // workloads: the strip, 0 at the top (time_bands.h assigns them)
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
  int palette = -1;       // >= 0: coloured by class "p<palette % kPaletteSize>" instead
};

struct Chart {
  std::string id;     // the svg's id is "chart-<id>"; [a-z0-9-]+
  std::string title;  // "Throughput"
  std::string unit;   // "req/s"
  std::vector<Series> series;
  // A logarithmic y axis (log_axis.h): values <= 0 leave a gap, as NaN does.
  bool log_y = false;
};

// The SVG's coordinate system (its viewBox) and the plot area inside it.
inline constexpr double kChartWidth = 760, kChartHeight = 230;
inline constexpr double kPlotLeft = 58, kPlotRight = 744, kPlotTop = 12, kPlotBottom = 200;
// A workload's strip: its lane's height, and how many lanes there are at most.
inline constexpr double kLaneHeight = 13;
inline constexpr int kMaxLanes = 4;
// Colours for series without one of their own (error kinds, request names): classes p0..p7.
inline constexpr int kPaletteSize = 8;
// Up to this many points a chart also draws a dot, with a tooltip, on every point.
inline constexpr size_t kMaxDots = 120;
inline constexpr size_t kMaxMarkers = 100;

// The x of time `t` in the viewBox.
double ChartX(const TimeAxis& axis, double t);

// A <figure> holding the chart's <svg> and a legend.
std::string RenderChart(const Chart& chart, const TimeAxis& axis);

// Shared with the other charts of the page (distribution.h): a coordinate as written in the
// SVG; a linear axis' step (1, 2, 2.5 or 5 times a power of ten) for about `ticks` intervals up
// to `max`, and its labels ("0", "2.5", "750"; "2.5k" when the axis reaches 10,000).
std::string Coord(double v);
double NiceStep(double max, int ticks);
std::string TickLabel(double v, double step, double top);
// `text` cut to at most `max_chars` code points, with an ellipsis when cut.
std::string Fit(const std::string& text, size_t max_chars);

}  // namespace sp::html
