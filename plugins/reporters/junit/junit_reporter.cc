// The JUnit reporter: keeps the run_start and summary documents and, at the end, writes one
// JUnit XML file (junit_document.h) that CI servers show as a test suite: the run, each
// threshold and each chaos experiment pass or fail. Snapshots and events are not needed and
// are not parsed (it has no OnSnapshot or OnEvent: plugins/common/reporter_edge.h).
#include <stressplan/reporter.h>
#include <unistd.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "plugins/common/descriptor.h"
#include "plugins/common/reporter_edge.h"
#include "plugins/reporters/common/options.h"
#include "plugins/reporters/common/report_file.h"
#include "plugins/reporters/junit/junit_document.h"

namespace {

using nlohmann::json;

const sp_option_decl kOptions[] = {
    {"path", SP_OPT_PATH, "junit.xml", 0, "file to write; relative paths go under the run's --report folder"},
    {"suite_name", SP_OPT_STRING, nullptr, 0, "the testsuite's name (default: the plan's name)"},
};

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

struct JunitReporter {
  std::string path;
  std::string suite_name;
  json run_start;
  json summary;

  static std::unique_ptr<JunitReporter> FromOptions(const sp_options* options,
                                                    sp::plugin_common::OptionError* err) {
    auto r = std::make_unique<JunitReporter>();
    if (!sp::reporters::ReportPathOption(options, kOptions[0].default_value, &r->path, err) ||
        !sp::reporters::PlanNameOption(options, "suite_name", &r->suite_name, err)) {
      return nullptr;
    }
    return r;
  }

  void OnRunStart(json d) { run_start = std::move(d); }
  void OnSummary(json d) { summary = std::move(d); }

  bool Finish(std::string* why) const {
    const std::string xml = sp::junit::JunitDocument({run_start, summary, suite_name, Hostname()});
    return sp::reporters::WriteReportFile(path, xml, why);
  }
};

constexpr char kWho[] = "junit reporter";
constexpr sp_reporter_vtable kVtable =
    sp::plugin_common::ReporterEdge<JunitReporter, kWho>::MakeVtable();

constexpr sp_plugin_descriptor kDescriptor = sp::plugin_common::MakeDescriptor(
    SP_KIND_REPORTER, "junit", "0.1.0",
    "writes a JUnit XML file: the run, each threshold and each chaos experiment as a testcase",
    kOptions, &kVtable);

}  // namespace

SP_PLUGIN_ENTRY { return &kDescriptor; }
