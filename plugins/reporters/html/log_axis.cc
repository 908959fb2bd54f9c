#include "plugins/reporters/html/log_axis.h"

#include <algorithm>
#include <cmath>

#include "plugins/reporters/html/html_text.h"

namespace sp::html {

LogAxis MakeLogAxis(double min, double max) {
  LogAxis axis;
  // A little tolerance so a value of exactly 100 (1e2 computed as 99.99999...) is its own decade.
  const int low = static_cast<int>(std::floor(std::log10(min) + 1e-9));
  const int high = std::max(low + 1, static_cast<int>(std::ceil(std::log10(max) - 1e-9)));
  axis.bottom = std::pow(10.0, low);
  axis.top = std::pow(10.0, high);
  const int decades = high - low;
  const int every = (decades + 5) / 6;  // 1 up to six decades, 2 up to twelve, ...
  for (int e = low; e <= high; ++e) {
    if ((e - low) % every != 0 && e != high) continue;
    const double power = std::pow(10.0, e);
    axis.ticks.push_back(power);
    if (decades <= 2 && e < high) {
      axis.ticks.push_back(2 * power);
      axis.ticks.push_back(5 * power);
    }
  }
  return axis;
}

double LogFraction(const LogAxis& axis, double v) {
  const double span = std::log10(axis.top) - std::log10(axis.bottom);
  if (!(v > 0) || !(span > 0)) return 0;
  return std::clamp((std::log10(v) - std::log10(axis.bottom)) / span, 0.0, 1.0);
}

std::string LogTickLabel(double v) {
  if (v >= 1e6) return LogTickLabel(v / 1e6) + "M";
  if (v >= 1e3) return LogTickLabel(v / 1e3) + "k";
  if (v >= 1) return Decimal(v, 0);
  // 0.5 -> 1 decimal, 0.02 -> 2: as many as the first significant digit needs.
  const int decimals = static_cast<int>(std::ceil(-std::log10(v) - 1e-9));
  return Decimal(v, std::max(1, decimals));
}

}  // namespace sp::html
