// A logarithmic value axis, for values that span orders of magnitude: latency, where a one-second
// p99 spike next to a 2 ms p50 would squash the p50 onto zero on a linear axis.
#pragma once

#include <string>
#include <vector>

namespace sp::html {

struct LogAxis {
  double bottom = 1;          // a power of ten at or below the smallest value
  double top = 10;            // a power of ten at or above the largest, at least one decade up
  std::vector<double> ticks;  // ascending, from bottom to top inclusive
};

// The axis for values in [min, max] (0 < min <= max, finite). Ticks at every power of ten, and
// at 2 and 5 times each when the axis spans at most two decades; over six decades only every
// n-th power of ten is a tick, so at most seven lines are drawn.
LogAxis MakeLogAxis(double min, double max);

// Where `v` (> 0) lies along the axis, 0 at the bottom and 1 at the top, clamped.
double LogFraction(const LogAxis& axis, double v);

// A tick's label: "0.01", "0.5", "2", "100", "1k", "20k", "1M".
std::string LogTickLabel(double v);

}  // namespace sp::html
