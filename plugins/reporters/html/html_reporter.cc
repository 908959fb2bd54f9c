// The HTML reporter: keeps the run_start and summary documents and a few numbers of each
// snapshot and event (run_data.h), and at the end writes one self-contained HTML page
// (html_page.h) that opens offline: header and verdict, summary numbers, charts over time,
// and tables. Written to a temporary file and renamed, so a reader never sees half a page.
#include <stressplan/reporter.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "plugins/common/descriptor.h"
#include "plugins/common/reporter_edge.h"
#include "plugins/reporters/common/options.h"
#include "plugins/reporters/common/report_file.h"
#include "plugins/reporters/html/html_page.h"
#include "plugins/reporters/html/run_data.h"

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

  static std::unique_ptr<HtmlReporter> FromOptions(const sp_options* options,
                                                   sp::plugin_common::OptionError* err) {
    auto r = std::make_unique<HtmlReporter>();
    if (!sp::reporters::ReportPathOption(options, kOptions[0].default_value, &r->path, err) ||
        !sp::reporters::PlanNameOption(options, "title", &r->title, err)) {
      return nullptr;
    }
    return r;
  }

  void OnRunStart(json d) { run.run_start = std::move(d); }
  void OnSnapshot(json d) { run.AddSnapshot(d); }
  void OnEvent(json d) { run.AddEvent(d); }
  void OnSummary(json d) { run.summary = std::move(d); }

  bool Finish(std::string* why) const {
    const std::string page =
        sp::html::RenderPage(run, {title, std::string("stressplan html reporter ") + kVersion});
    return sp::reporters::WriteReportFile(path, page, why);
  }
};

constexpr char kWho[] = "html reporter";
constexpr sp_reporter_vtable kVtable =
    sp::plugin_common::ReporterEdge<HtmlReporter, kWho>::MakeVtable();

constexpr sp_plugin_descriptor kDescriptor = sp::plugin_common::MakeDescriptor(
    SP_KIND_REPORTER, "html", kVersion,
    "writes one self-contained HTML page: summary, charts over time, stages, errors and events",
    kOptions, &kVtable);

}  // namespace

SP_PLUGIN_ENTRY { return &kDescriptor; }
