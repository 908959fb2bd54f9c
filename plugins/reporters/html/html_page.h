// The report page: one self-contained HTML file (inline CSS, inline script, SVG charts drawn
// here, the chart data as an embedded JSON block) that opens offline in any browser. Its
// Content-Security-Policy forbids every fetch, so a reference to anything outside the file
// would show up as an error rather than silently work on one machine and not on another.
#pragma once

#include <string>

#include "plugins/reporters/html/run_data.h"

namespace sp::html {

struct PageOptions {
  std::string title;      // empty: the plan's name
  std::string generator;  // "stressplan html reporter 0.1.0"
};

std::string RenderPage(const RunData& run, const PageOptions& options);

}  // namespace sp::html
