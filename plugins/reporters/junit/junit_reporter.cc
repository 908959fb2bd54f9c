// The JUnit reporter: keeps the run_start and summary documents and, at the end, writes one
// JUnit XML file (junit_document.h) that CI servers show as a test suite: the run, each
// threshold and each chaos experiment pass or fail. Snapshots and events are not needed and
// are not parsed.
#include <stressplan/reporter.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "junit_document.h"
#include "report_file.h"

namespace {

using nlohmann::json;

struct JunitReporter {
  std::string path;
  std::string suite_name;
  json run_start;
  json summary;
};

void SetError(sp_error* err, const std::string& message, const char* option = "") {
  std::snprintf(err->message, sizeof err->message, "%s", message.c_str());
  std::snprintf(err->option, sizeof err->option, "%s", option);
}

const sp_option_decl kOptions[] = {
    {"path", SP_OPT_PATH, "junit.xml", 0, "file to write; relative paths go under the run's --report folder"},
    {"suite_name", SP_OPT_STRING, nullptr, 0, "the testsuite's name (default: the plan's name)"},
};

// The value of option `name`, or nullptr if the host did not set it.
const sp_option_value* Option(const sp_options* options, const char* name) {
  if (options == nullptr) return nullptr;
  for (size_t k = 0; k < options->count; ++k) {
    const sp_option_value& v = options->values[k];
    if (v.name != nullptr && std::strcmp(v.name, name) == 0) return v.is_set ? &v : nullptr;
  }
  return nullptr;
}

std::string Text(const sp_option_value* v) { return v && v->s.ptr ? std::string(v->s.ptr, v->s.len) : ""; }

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

sp_status Create(const sp_host_api*, void*, const sp_options* options, void** instance,
                 sp_error* err) noexcept {
  try {
    const sp_option_value* path = Option(options, "path");
    const std::string file = path ? Text(path) : kOptions[0].default_value;
    if (std::string why = sp::junit::CheckReportPath(file, "junit.xml"); !why.empty()) {
      SetError(err, why, "path");
      return SP_INVALID_ARGUMENT;
    }
    const sp_option_value* suite = Option(options, "suite_name");
    if (suite && suite->s.len == 0) {
      SetError(err, "suite_name is empty: leave it out to use the plan's name", "suite_name");
      return SP_INVALID_ARGUMENT;
    }
    auto* r = new JunitReporter();
    r->path = file;
    r->suite_name = Text(suite);
    *instance = r;
    return SP_OK;
  } catch (const std::exception& e) {
    SetError(err, e.what());
    return SP_ERROR;
  }
}

sp_status OnDocument(void* instance, sp_document_kind kind, sp_str doc, sp_error* err) noexcept {
  try {
    auto* r = static_cast<JunitReporter*>(instance);
    if (kind != SP_DOC_RUN_START && kind != SP_DOC_SUMMARY) return SP_OK;
    json d = json::parse(doc.ptr, doc.ptr + doc.len);
    (kind == SP_DOC_RUN_START ? r->run_start : r->summary) = std::move(d);
    return SP_OK;
  } catch (const std::exception& e) {
    SetError(err, std::string("bad document: ") + e.what());
    return SP_ERROR;
  }
}

sp_status Finish(void* instance, sp_error* err) noexcept {
  try {
    auto* r = static_cast<JunitReporter*>(instance);
    const std::string xml = sp::junit::JunitDocument({r->run_start, r->summary, r->suite_name, Hostname()});
    if (std::string why = sp::junit::WriteReportFile(r->path, xml); !why.empty()) {
      SetError(err, why);
      return SP_ERROR;
    }
    return SP_OK;
  } catch (const std::exception& e) {
    SetError(err, e.what());
    return SP_ERROR;
  }
}

void Destroy(void* instance) noexcept { delete static_cast<JunitReporter*>(instance); }

const sp_reporter_vtable kVtable = {sizeof(sp_reporter_vtable), Create, OnDocument, Finish, Destroy};

const sp_plugin_descriptor kDescriptor = {
    SP_DESCRIPTOR_HEADER,
    SP_KIND_REPORTER,
    "junit",
    "0.1.0",
    "writes a JUnit XML file: the run, each threshold and each chaos experiment as a testcase",
    kOptions,
    sizeof kOptions / sizeof kOptions[0],
    &kVtable,
    nullptr,
    nullptr,
};

}  // namespace

extern "C" SP_EXPORT const sp_plugin_descriptor* stressplan_plugin_entry(void) { return &kDescriptor; }
