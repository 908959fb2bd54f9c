#include "plugins/reporters/html/distribution.h"

#include <algorithm>
#include <cmath>

#include "plugins/reporters/html/html_charts.h"
#include "plugins/reporters/html/html_text.h"
#include "plugins/reporters/html/log_axis.h"

namespace sp::html {
namespace {

using sp::reporters::HdrBucket;

// The bin, at `per_decade` bins per power of ten, holding the bucket's midpoint.
long BinOf(const HdrBucket& b, int per_decade) {
  const uint64_t low = sp::reporters::HdrBucketLow(b.index),
                 high = sp::reporters::HdrBucketHigh(b.index);
  const double mid_ms = std::max(1.0, static_cast<double>(low + (high - low) / 2)) / 1e6;
  // The slack keeps a midpoint of exactly 10 ms (1e1 computed as 9.99...) in the bin it starts.
  return static_cast<long>(std::floor(std::log10(mid_ms) * per_decade + 1e-9));
}

double Share(const Distribution& d, const DistributionBin& b) {
  return d.total > 0 ? 100 * b.count / d.total : 0;
}

std::string BarText(const Distribution& d, const DistributionBin& b) {
  return Ms(b.low_ms) + "–" + Ms(b.high_ms) + " ms: " + Count(b.count) + " requests, " +
         Decimal(Share(d, b), 2) + "%";
}

// The x of `ms` on the distribution's latency axis.
double DistX(const LogAxis& axis, double ms) {
  return kPlotLeft + (kPlotRight - kPlotLeft) * LogFraction(axis, ms);
}

LogAxis AxisOf(const Distribution& d) {
  return MakeLogAxis(d.bins.front().low_ms, d.bins.back().high_ms);
}

std::string Bars(const Distribution& d, const LogAxis& axis, double y_top) {
  std::string out = "<g class=\"bars\">";
  for (const DistributionBin& b : d.bins) {
    if (b.count <= 0) continue;
    const double x0 = DistX(axis, b.low_ms), x1 = DistX(axis, b.high_ms);
    const double height = (kPlotBottom - kPlotTop) * Share(d, b) / y_top;
    out += "<rect class=\"bar\" x=\"" + Coord(x0) + "\" y=\"" + Coord(kPlotBottom - height) +
           "\" width=\"" + Coord(std::max(0.5, x1 - x0 - 1)) + "\" height=\"" + Coord(height) +
           "\"><title>" + BarText(d, b) + "</title></rect>";
  }
  return out + "</g>\n";
}

std::string Grid(const LogAxis& axis, double y_top, double y_step) {
  std::string out = "<g class=\"grid\">";
  for (double v = 0; v <= y_top + y_step / 2; v += y_step) {
    const double y = kPlotBottom - (kPlotBottom - kPlotTop) * v / y_top;
    out += "<line x1=\"" + Coord(kPlotLeft) + "\" x2=\"" + Coord(kPlotRight) + "\" y1=\"" +
           Coord(y) + "\" y2=\"" + Coord(y) + "\"/><text class=\"y-label\" x=\"" +
           Coord(kPlotLeft - 6) + "\" y=\"" + Coord(y + 4) + "\">" + TickLabel(v, y_step, y_top) +
           "%</text>";
  }
  for (double v : axis.ticks) {
    const double x = DistX(axis, v);
    out += "<line class=\"x-tick\" x1=\"" + Coord(x) + "\" x2=\"" + Coord(x) + "\" y1=\"" +
           Coord(kPlotBottom) + "\" y2=\"" + Coord(kPlotBottom + 4) +
           "\"/><text class=\"x-label\" x=\"" + Coord(x) + "\" y=\"" + Coord(kPlotBottom + 17) +
           "\">" + LogTickLabel(v) + "</text>";
  }
  return out + "</g>\n";
}

std::string Marks(const LogAxis& axis, const std::vector<DistributionMark>& marks) {
  std::string out = "<g class=\"marks\">";
  for (const DistributionMark& m : marks) {
    if (!(m.ms > 0) || !std::isfinite(m.ms)) continue;
    const double x = DistX(axis, m.ms);
    out += "<line class=\"mark s-" + m.key + "\" data-mark=\"" + m.key + "\" x1=\"" + Coord(x) +
           "\" x2=\"" + Coord(x) + "\" y1=\"" + Coord(kPlotTop) + "\" y2=\"" + Coord(kPlotBottom) +
           "\"><title>" + m.key + " " + Ms(m.ms) + " ms</title></line>";
  }
  return out + "</g>\n";
}

}  // namespace

Distribution BinLatency(const std::vector<HdrBucket>& buckets, size_t max_bins) {
  Distribution d;
  if (buckets.empty()) return d;
  for (int per_decade : {20, 10, 5, 2, 1}) {
    d.per_decade = per_decade;
    const long first = BinOf(buckets.front(), per_decade), last = BinOf(buckets.back(), per_decade);
    if (static_cast<size_t>(last - first + 1) <= max_bins) break;
  }
  const long first = BinOf(buckets.front(), d.per_decade),
             last = BinOf(buckets.back(), d.per_decade);
  for (long k = first; k <= last; ++k) {
    d.bins.push_back({std::pow(10.0, static_cast<double>(k) / d.per_decade),
                      std::pow(10.0, static_cast<double>(k + 1) / d.per_decade), 0});
  }
  // A bucket's bin is never before the first's nor after the last's: midpoints grow with the index.
  for (const HdrBucket& b : buckets) {
    d.bins[static_cast<size_t>(BinOf(b, d.per_decade) - first)].count +=
        static_cast<double>(b.count);
    d.total += static_cast<double>(b.count);
  }
  return d;
}

std::string RenderDistribution(const Distribution& d, const std::vector<DistributionMark>& marks) {
  std::string out =
      "<figure class=\"chart-figure\"><figcaption>Latency distribution <span class=\"unit\">"
      "(share of requests by latency in ms, log scale)</span></figcaption>"
      "<svg class=\"chart\" id=\"chart-distribution\" viewBox=\"0 0 " +
      Coord(kChartWidth) + " " + Coord(kChartHeight) +
      "\" role=\"img\" aria-label=\"Latency distribution (share of requests by latency)\" "
      "data-scale=\"log\">\n";
  if (d.bins.empty()) {
    out += "<rect class=\"frame\" x=\"" + Coord(kPlotLeft) + "\" y=\"" + Coord(kPlotTop) +
           "\" width=\"" + Coord(kPlotRight - kPlotLeft) + "\" height=\"" +
           Coord(kPlotBottom - kPlotTop) + "\"/><text class=\"no-data\" x=\"" +
           Coord((kPlotLeft + kPlotRight) / 2) + "\" y=\"" + Coord((kPlotTop + kPlotBottom) / 2) +
           "\">no data</text>";
  } else {
    double top_share = 0;
    for (const DistributionBin& b : d.bins) top_share = std::max(top_share, Share(d, b));
    const double y_step = NiceStep(top_share * 1.05, 4);
    const double y_top = std::max(1.0, std::ceil(top_share * 1.05 / y_step)) * y_step;
    const LogAxis axis = AxisOf(d);
    out += Grid(axis, y_top, y_step) + Bars(d, axis, y_top) + Marks(axis, marks);
    out += "<rect class=\"frame\" x=\"" + Coord(kPlotLeft) + "\" y=\"" + Coord(kPlotTop) +
           "\" width=\"" + Coord(kPlotRight - kPlotLeft) + "\" height=\"" +
           Coord(kPlotBottom - kPlotTop) + "\"/>";
  }
  out += "<line class=\"cursor\" x1=\"0\" x2=\"0\" y1=\"" + Coord(kPlotTop) + "\" y2=\"" +
         Coord(kPlotBottom) +
         "\" visibility=\"hidden\"/></svg><div class=\"legend\"><span class=\"key "
         "s-bar\"><i></i>requests</span>";
  for (const DistributionMark& m : marks) {
    if (m.ms > 0 && std::isfinite(m.ms)) {
      out += "<span class=\"key s-" + m.key + " dashed\"><i></i>" + m.key + " " + Ms(m.ms) +
             " ms</span>";
    }
  }
  return out + "<span class=\"readout\" aria-live=\"polite\"></span></div></figure>";
}

nlohmann::json DistributionData(const Distribution& d) {
  nlohmann::json x = nlohmann::json::array(), text = nlohmann::json::array();
  if (d.bins.empty()) return {{"x", x}, {"text", text}};
  const LogAxis axis = AxisOf(d);
  for (const DistributionBin& b : d.bins) {
    x.push_back(std::round((DistX(axis, b.low_ms) + DistX(axis, b.high_ms)) / 2 * 10) / 10);
    text.push_back(BarText(d, b));
  }
  return {{"x", x}, {"text", text}};
}

}  // namespace sp::html
