// The Prometheus text exposition format 0.0.4 (what GET /metrics answers): # HELP and # TYPE
// lines, then one `name{labels} value` line per sample, the constant labels first.
#pragma once

#include <string>

#include "plugins/reporters/prometheus/metric_families.h"

namespace sp::prometheus_reporter {

constexpr char kTextContentType[] = "text/plain; version=0.0.4; charset=utf-8";

std::string TextExposition(const Exposition& e);

// A sample value as Prometheus writes it: the shortest text that reads back as the same
// double ("3", "0.0025", "+Inf", "NaN").
std::string FormatValue(double v);

}  // namespace sp::prometheus_reporter
