#include "plugins/reporters/html/html_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "plugins/reporters/html/html_text.h"
#include "plugins/reporters/html/log_axis.h"

namespace sp::html {
namespace {

// Axis steps in seconds that read well as times.
double TimeStep(double t_max) {
  static const double kSteps[] = {1,   2,   5,    10,   15,   30,    60,    120,   300,
                                  600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
  for (double step : kSteps) {
    if (t_max / step <= 8) return step;
  }
  return NiceStep(t_max, 8);
}

// A band's rectangle: full height, or its lane's strip at the top for a workload. Stage labels
// go at `stage_label_y`, below the workloads' strips.
std::string BandRect(const Band& b, double x0, double x1, double stage_label_y) {
  static const char* const kClass[] = {"band stage-band", "band chaos-band", "band workload-band"};
  std::string cls = kClass[static_cast<int>(b.kind)];
  if (b.kind == BandKind::kStage && b.index % 2) cls += " odd";
  if (b.kind == BandKind::kWorkload) cls += " p" + std::to_string(b.index % kPaletteSize);
  const bool strip = b.kind == BandKind::kWorkload;
  const double y = strip ? kPlotTop + kLaneHeight * b.lane : kPlotTop;
  const double height = strip ? kLaneHeight : kPlotBottom - kPlotTop;
  std::string out = "<rect class=\"" + cls + "\" x=\"" + Coord(x0) + "\" y=\"" + Coord(y) +
                    "\" width=\"" + Coord(x1 - x0) + "\" height=\"" + Coord(height) + "\"><title>" +
                    Html(b.title) + "</title></rect>";
  const size_t room = static_cast<size_t>((x1 - x0 - 6) / 6.5);
  if (room < 3 || b.label.empty()) return out;
  const double label_y = strip                        ? y + kLaneHeight - 3
                         : b.kind == BandKind::kChaos ? kPlotBottom - 5
                                                      : stage_label_y;
  const char* label_cls = b.kind == BandKind::kChaos      ? "band-label chaos-label"
                          : b.kind == BandKind::kWorkload ? "band-label workload-label"
                                                          : "band-label";
  return out + "<text class=\"" + label_cls + "\" x=\"" + Coord(x0 + 4) + "\" y=\"" +
         Coord(label_y) + "\">" + Html(Fit(b.label, room)) + "</text>";
}

std::string Bands(const TimeAxis& axis) {
  int lanes = 0;
  for (const Band& b : axis.bands) {
    if (b.kind == BandKind::kWorkload) lanes = std::max(lanes, b.lane + 1);
  }
  std::string out = "<g class=\"bands\">";
  for (const Band& b : axis.bands) {
    const double x0 = ChartX(axis, b.start_s), x1 = ChartX(axis, b.end_s);
    if (x1 > x0) out += BandRect(b, x0, x1, kPlotTop + kLaneHeight * lanes + 11);
  }
  return out + "</g>\n";
}

// How a chart's values map to heights: linear from 0, or logarithmic; and its labelled lines.
struct YScale {
  bool log = false;
  double top = 1;                                     // linear: the value at the top of the plot
  LogAxis log_axis;                                   // log: the decades shown
  std::vector<std::pair<double, std::string>> ticks;  // value, label

  bool Drawable(double v) const { return std::isfinite(v) && (!log || v > 0); }
  double Y(double v) const {
    const double f = log ? LogFraction(log_axis, v) : v / top;
    return kPlotBottom - (kPlotBottom - kPlotTop) * f;
  }
};

YScale MakeYScale(const Chart& chart) {
  YScale scale;
  scale.log = chart.log_y;
  double y_min = 0, y_max = 0;
  bool any = false;
  for (const Series& s : chart.series) {
    for (double v : s.y) {
      if (!scale.Drawable(v)) continue;
      y_min = any ? std::min(y_min, v) : v;
      y_max = any ? std::max(y_max, v) : v;
      any = true;
    }
  }
  if (scale.log) {
    scale.log_axis = any ? MakeLogAxis(y_min, y_max) : MakeLogAxis(1, 10);
    for (double v : scale.log_axis.ticks) scale.ticks.emplace_back(v, LogTickLabel(v));
    return scale;
  }
  // Headroom of 5% above the highest point; an all-zero chart gets the axis 0..1.
  y_max = std::max(0.0, y_max);
  const double y_step = y_max > 0 ? NiceStep(y_max * 1.05, 4) : 1;
  scale.top = std::max(1.0, std::ceil(y_max * 1.05 / y_step)) * y_step;
  for (double v = 0; v <= scale.top + y_step / 2; v += y_step) {
    scale.ticks.emplace_back(v, TickLabel(v, y_step, scale.top));
  }
  return scale;
}

std::string Grid(const TimeAxis& axis, const YScale& scale) {
  std::string out = "<g class=\"grid\">";
  for (const auto& [v, label] : scale.ticks) {
    const double y = scale.Y(v);
    out += "<line x1=\"" + Coord(kPlotLeft) + "\" x2=\"" + Coord(kPlotRight) + "\" y1=\"" +
           Coord(y) + "\" y2=\"" + Coord(y) + "\"/><text class=\"y-label\" x=\"" +
           Coord(kPlotLeft - 6) + "\" y=\"" + Coord(y + 4) + "\">" + label + "</text>";
  }
  const double step = TimeStep(axis.t_max);
  for (double t = 0; t <= axis.t_max + step / 100; t += step) {
    const double x = ChartX(axis, t);
    out += "<line class=\"x-tick\" x1=\"" + Coord(x) + "\" x2=\"" + Coord(x) + "\" y1=\"" +
           Coord(kPlotBottom) + "\" y2=\"" + Coord(kPlotBottom + 4) + "\"/><text class=\"x-label\" x=\"" +
           Coord(x) + "\" y=\"" + Coord(kPlotBottom + 17) + "\">" + Clock(t) + "</text>";
  }
  return out + "</g>\n";
}

std::string Markers(const TimeAxis& axis) {
  std::string out = "<g class=\"markers\">";
  for (size_t i = 0; i < axis.markers.size() && i < kMaxMarkers; ++i) {
    const double x = ChartX(axis, axis.markers[i].t);
    out += "<line class=\"event-marker\" x1=\"" + Coord(x) + "\" x2=\"" + Coord(x) + "\" y1=\"" +
           Coord(kPlotTop) + "\" y2=\"" + Coord(kPlotBottom) + "\"><title>" + Html(axis.markers[i].title) +
           "</title></line>";
  }
  return out + "</g>\n";
}

// The classes that colour a series: its own, or a palette colour.
std::string SeriesClass(const Series& s) {
  return s.palette >= 0 ? "p" + std::to_string(s.palette % kPaletteSize) : "s-" + s.key;
}

std::string Lines(const Chart& chart, const TimeAxis& axis, const YScale& scale) {
  std::string out;
  for (const Series& s : chart.series) {
    std::string d, dots;
    size_t points = 0;
    bool pen_down = false;
    for (size_t i = 0; i < s.y.size() && i < axis.t.size(); ++i) {
      if (!scale.Drawable(s.y[i])) {
        pen_down = false;
        continue;
      }
      const std::string x = Coord(ChartX(axis, axis.t[i])), y = Coord(scale.Y(s.y[i]));
      d += (d.empty() ? "" : " ") + std::string(pen_down ? "L" : "M") + x + " " + y;
      pen_down = true;
      ++points;
      if (axis.t.size() <= kMaxDots) {
        dots += "<circle class=\"point\" cx=\"" + x + "\" cy=\"" + y + "\" r=\"2.5\"><title>" +
                Clock(axis.t[i]) + ": " + Html(s.label) + " " + Plain(s.y[i]) + " " + Html(chart.unit) +
                "</title></circle>";
      }
    }
    out += "<path class=\"series " + SeriesClass(s) + (s.dashed ? " dashed" : "") +
           "\" data-series=\"" + s.key + "\" data-points=\"" + std::to_string(points) + "\" d=\"" +
           d + "\"/>";
    out += "\n";
    if (!dots.empty()) out += "<g class=\"points " + SeriesClass(s) + "\">" + dots + "</g>\n";
  }
  return out;
}

}  // namespace

double ChartX(const TimeAxis& axis, double t) {
  const double span = axis.t_max > 0 ? axis.t_max : 1;
  return kPlotLeft + (kPlotRight - kPlotLeft) * std::clamp(t / span, 0.0, 1.0);
}

std::string RenderChart(const Chart& chart, const TimeAxis& axis) {
  const YScale scale = MakeYScale(chart);
  bool any = false;
  for (const Series& s : chart.series) {
    any |= std::any_of(s.y.begin(), s.y.end(), [&](double v) { return scale.Drawable(v); });
  }
  const std::string id = "chart-" + chart.id;
  std::string out = "<figure class=\"chart-figure\"><figcaption>" + Html(chart.title) +
                    " <span class=\"unit\">(" + Html(chart.unit) +
                    (chart.log_y ? ", log scale" : "") + ")</span></figcaption>";
  out += "<svg class=\"chart\" id=\"" + id + "\" viewBox=\"0 0 " + Coord(kChartWidth) + " " +
         Coord(kChartHeight) + "\" role=\"img\" aria-label=\"" +
         Html(chart.title + " (" + chart.unit + ") over time") + "\"" +
         (chart.log_y ? " data-scale=\"log\"" : "") + ">\n";
  out += Bands(axis) + Grid(axis, scale) + Markers(axis);
  out += "<rect class=\"frame\" x=\"" + Coord(kPlotLeft) + "\" y=\"" + Coord(kPlotTop) + "\" width=\"" +
         Coord(kPlotRight - kPlotLeft) + "\" height=\"" + Coord(kPlotBottom - kPlotTop) + "\"/>";
  out += Lines(chart, axis, scale);
  if (!any) {
    out += "<text class=\"no-data\" x=\"" + Coord((kPlotLeft + kPlotRight) / 2) + "\" y=\"" +
           Coord((kPlotTop + kPlotBottom) / 2) + "\">no data</text>";
  }
  out += "<line class=\"cursor\" x1=\"0\" x2=\"0\" y1=\"" + Coord(kPlotTop) + "\" y2=\"" +
         Coord(kPlotBottom) + "\" visibility=\"hidden\"/></svg><div class=\"legend\">";
  for (const Series& s : chart.series) {
    out += "<span class=\"key " + SeriesClass(s) + (s.dashed ? " dashed" : "") + "\"><i></i>" +
           Html(s.label) + "</span>";
  }
  return out + "<span class=\"readout\" aria-live=\"polite\"></span></div></figure>";
}

// A step of 1, 2, 2.5 or 5 times a power of ten, giving about `ticks` intervals up to `max`.
double NiceStep(double max, int ticks) {
  const double raw = max / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * magnitude;
}

// An axis label: "0", "2.5", "750"; in thousands ("2.5k", "10k") when the axis reaches 10,000.
std::string TickLabel(double v, double step, double top) {
  if (v == 0) return "0";
  const bool thousands = top >= 10000;
  if (thousands) v /= 1000, step /= 1000;
  int decimals = 0;
  while (decimals < 6 && std::fabs(step * std::pow(10.0, decimals) -
                                   std::round(step * std::pow(10.0, decimals))) > 1e-9)
    ++decimals;
  return Decimal(v, decimals) + (thousands ? "k" : "");
}

std::string Coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// `text` cut to at most `max_chars` code points, with an ellipsis when cut.
std::string Fit(const std::string& text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) return text.substr(0, i) + "…";
  }
  return text;
}

}  // namespace sp::html
