// The page's inline CSS and scripts, hand-written, no libraries.
#pragma once

namespace sp::html {

// The stylesheet, for a <style> element.
extern const char kPageStyle[];
// The first script of <body>: records uncaught errors, rejected promises, console.error and
// Content-Security-Policy violations into #sp-errors, so a test (or a reader) can see them.
extern const char kErrorTrapScript[];
// The last script: chart read-outs on hover, sortable tables, and the "#sp-selftest" run
// that exercises both once on load. Marks <body data-ready="1"> when it has run to the end.
extern const char kPageScript[];

}  // namespace sp::html
