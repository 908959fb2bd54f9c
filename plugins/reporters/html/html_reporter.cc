// The HTML reporter: keeps the run_start and summary documents and a few numbers of each
// snapshot and event (run_data.h), and at the end writes one self-contained HTML page
// (html_page.h) that opens offline: header and verdict, summary numbers, charts over time,
// and tables. Written to a temporary file and renamed, so a reader never sees half a page.
#include <stressplan/reporter.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "common/options.h"
#include "common/report_file.h"
#include "common/reporter_descriptor.h"
#include "common/reporter_vtable.h"
#include "html_page.h"
#include "run_data.h"

namespace {

using nlohmann::json;

constexpr const char* kVersion = "0.1.0";

const sp_option_decl kOptions[] = {
    {"path", SP_OPT_PATH, "report.html", 0,
     "file to write; relative paths go under the run's --report folder"},
    {"title", SP_OPT_STRING, nullptr, 0, "the page's title (default: the plan's name)"},
};

struct HtmlReporter {
  std::string path;
  std::string title;
  sp::html::RunData run;

  static std::unique_ptr<HtmlReporter> Create(const sp_options* options) {
    auto r = std::make_unique<HtmlReporter>();
    r->path = sp::reporters::ReportPathOption(options, kOptions[0].default_value);
    r->title = sp::reporters::PlanNameOption(options, "title");
    return r;
  }

  void OnRunStart(json d) { run.run_start = std::move(d); }
  void OnSnapshot(json d) { run.AddSnapshot(d); }
  void OnEvent(json d) { run.AddEvent(d); }
  void OnSummary(json d) { run.summary = std::move(d); }

  void Finish() const {
    const std::string page =
        sp::html::RenderPage(run, {title, std::string("stressplan html reporter ") + kVersion});
    sp::reporters::WriteReportFile(path, page);
  }
};

constexpr sp_reporter_vtable kVtable = sp::reporters::MakeReporterVtable<HtmlReporter>();

constexpr sp_plugin_descriptor kDescriptor = sp::reporters::ReporterDescriptor(
    "html", kVersion,
    "writes one self-contained HTML page: summary, charts over time, stages, errors and events",
    kOptions, &kVtable);

}  // namespace

SP_PLUGIN_ENTRY { return &kDescriptor; }
