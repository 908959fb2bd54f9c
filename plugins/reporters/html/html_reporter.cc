// The HTML reporter: keeps the run_start and summary documents and a few numbers of each
// snapshot and event (run_data.h), and at the end writes one self-contained HTML page
// (html_page.h) that opens offline: header and verdict, summary numbers, charts over time,
// and tables. Written to a temporary file and renamed, so a reader never sees half a page.
#include <stressplan/reporter.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "html_page.h"
#include "report_file.h"
#include "run_data.h"

namespace {

using nlohmann::json;

constexpr const char* kVersion = "0.1.0";

struct HtmlReporter {
  std::string path;
  std::string title;
  sp::html::RunData run;
};

void SetError(sp_error* err, const std::string& message, const char* option = "") {
  std::snprintf(err->message, sizeof err->message, "%s", message.c_str());
  std::snprintf(err->option, sizeof err->option, "%s", option);
}

const sp_option_decl kOptions[] = {
    {"path", SP_OPT_PATH, "report.html", 0,
     "file to write; relative paths go under the run's --report folder"},
    {"title", SP_OPT_STRING, nullptr, 0, "the page's title (default: the plan's name)"},
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

sp_status Create(const sp_host_api*, void*, const sp_options* options, void** instance,
                 sp_error* err) noexcept {
  try {
    const sp_option_value* path = Option(options, "path");
    const std::string file = path ? Text(path) : kOptions[0].default_value;
    if (std::string why = sp::html::CheckReportPath(file, "report.html"); !why.empty()) {
      SetError(err, why, "path");
      return SP_INVALID_ARGUMENT;
    }
    const sp_option_value* title = Option(options, "title");
    if (title && title->s.len == 0) {
      SetError(err, "title is empty: leave it out to use the plan's name", "title");
      return SP_INVALID_ARGUMENT;
    }
    auto* r = new HtmlReporter();
    r->path = file;
    r->title = Text(title);
    *instance = r;
    return SP_OK;
  } catch (const std::exception& e) {
    SetError(err, e.what());
    return SP_ERROR;
  }
}

sp_status OnDocument(void* instance, sp_document_kind kind, sp_str doc, sp_error* err) noexcept {
  try {
    auto* r = static_cast<HtmlReporter*>(instance);
    json d = json::parse(doc.ptr, doc.ptr + doc.len);
    switch (kind) {
      case SP_DOC_RUN_START: r->run.run_start = std::move(d); break;
      case SP_DOC_SNAPSHOT: r->run.AddSnapshot(d); break;
      case SP_DOC_EVENT: r->run.AddEvent(d); break;
      case SP_DOC_SUMMARY: r->run.summary = std::move(d); break;
    }
    return SP_OK;
  } catch (const std::exception& e) {
    SetError(err, std::string("bad document: ") + e.what());
    return SP_ERROR;
  }
}

sp_status Finish(void* instance, sp_error* err) noexcept {
  try {
    auto* r = static_cast<HtmlReporter*>(instance);
    const std::string page =
        sp::html::RenderPage(r->run, {r->title, std::string("stressplan html reporter ") + kVersion});
    if (std::string why = sp::html::WriteReportFile(r->path, page); !why.empty()) {
      SetError(err, why);
      return SP_ERROR;
    }
    return SP_OK;
  } catch (const std::exception& e) {
    SetError(err, e.what());
    return SP_ERROR;
  }
}

void Destroy(void* instance) noexcept { delete static_cast<HtmlReporter*>(instance); }

const sp_reporter_vtable kVtable = {sizeof(sp_reporter_vtable), Create, OnDocument, Finish, Destroy};

const sp_plugin_descriptor kDescriptor = {
    SP_DESCRIPTOR_HEADER,
    SP_KIND_REPORTER,
    "html",
    kVersion,
    "writes one self-contained HTML page: summary, charts over time, stages, errors and events",
    kOptions,
    sizeof kOptions / sizeof kOptions[0],
    &kVtable,
    nullptr,
    nullptr,
};

}  // namespace

extern "C" SP_EXPORT const sp_plugin_descriptor* stressplan_plugin_entry(void) { return &kDescriptor; }
