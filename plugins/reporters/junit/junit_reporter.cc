// The JUnit reporter: keeps the run_start and summary documents and, at the end, writes one
// JUnit XML file (junit_document.h) that CI servers show as a test suite: the run, each
// threshold and each chaos experiment pass or fail. Snapshots and events are not needed and
// are not parsed (it has no OnSnapshot or OnEvent: common/run_documents.h).
#include <stressplan/reporter.h>
#include <unistd.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "common/options.h"
#include "common/report_file.h"
#include "common/reporter_descriptor.h"
#include "common/reporter_vtable.h"
#include "junit_document.h"

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

  static std::unique_ptr<JunitReporter> Create(const sp_options* options) {
    auto r = std::make_unique<JunitReporter>();
    r->path = sp::reporters::ReportPathOption(options, kOptions[0].default_value);
    r->suite_name = sp::reporters::PlanNameOption(options, "suite_name");
    return r;
  }

  void OnRunStart(json d) { run_start = std::move(d); }
  void OnSummary(json d) { summary = std::move(d); }

  void Finish() const {
    const std::string xml = sp::junit::JunitDocument({run_start, summary, suite_name, Hostname()});
    sp::reporters::WriteReportFile(path, xml);
  }
};

constexpr sp_reporter_vtable kVtable = sp::reporters::MakeReporterVtable<JunitReporter>();

constexpr sp_plugin_descriptor kDescriptor = sp::reporters::ReporterDescriptor(
    "junit", "0.1.0",
    "writes a JUnit XML file: the run, each threshold and each chaos experiment as a testcase",
    kOptions, &kVtable);

}  // namespace

SP_PLUGIN_ENTRY { return &kDescriptor; }
