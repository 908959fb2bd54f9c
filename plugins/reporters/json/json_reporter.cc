// The JSON reporter: collects the run's documents and, at the end, writes one JSON file with
// the run's description, its summary, the 1 s time series and the events
// (docs/report-schema.json). Written to a temporary file and renamed, so a reader never sees
// half a report.
#include <stressplan/reporter.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

struct JsonReporter {
  std::string path;
  bool pretty = true;
  json run_start;
  json summary;
  json timeseries = json::array();
  json events = json::array();
};

void SetError(sp_error* err, const std::string& message, const char* option = "") {
  std::snprintf(err->message, sizeof err->message, "%s", message.c_str());
  std::snprintf(err->option, sizeof err->option, "%s", option);
}

const sp_option_decl kOptions[] = {
    {"path", SP_OPT_PATH, "report.json", 0,
     "file to write; relative paths go under the run's --report folder"},
    {"pretty", SP_OPT_BOOL, "true", 0, "indent the JSON for people (false: one line)"},
};

sp_status Create(const sp_host_api*, void*, const sp_options* options, void** instance,
                 sp_error* err) noexcept {
  try {
    auto* r = new JsonReporter();
    r->path = std::string(options->values[0].s.ptr, options->values[0].s.len);
    r->pretty = options->values[1].b != 0;
    if (r->path.empty() || r->path.back() == '/') {
      delete r;
      SetError(err, "path must name a file", "path");
      return SP_INVALID_ARGUMENT;
    }
    *instance = r;
    return SP_OK;
  } catch (const std::exception& e) {
    SetError(err, e.what());
    return SP_ERROR;
  }
}

sp_status OnDocument(void* instance, sp_document_kind kind, sp_str doc, sp_error* err) noexcept {
  try {
    auto* r = static_cast<JsonReporter*>(instance);
    json d = json::parse(doc.ptr, doc.ptr + doc.len);
    switch (kind) {
      case SP_DOC_RUN_START: r->run_start = std::move(d); break;
      case SP_DOC_SNAPSHOT: r->timeseries.push_back(std::move(d)); break;
      case SP_DOC_EVENT: r->events.push_back(std::move(d)); break;
      case SP_DOC_SUMMARY: r->summary = std::move(d); break;
    }
    return SP_OK;
  } catch (const std::exception& e) {
    SetError(err, std::string("bad document: ") + e.what());
    return SP_ERROR;
  }
}

sp_status Finish(void* instance, sp_error* err) noexcept {
  try {
    auto* r = static_cast<JsonReporter*>(instance);
    json report = {{"type", "report"},
                   {"schema_version", r->summary.value("schema_version", 1)},
                   {"run", r->run_start},
                   {"summary", r->summary},
                   {"timeseries", r->timeseries},
                   {"events", r->events}};
    namespace fs = std::filesystem;
    fs::path path(r->path);
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    fs::path tmp = path;
    tmp += ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) {
        SetError(err, "cannot write " + tmp.string());
        return SP_ERROR;
      }
      out << report.dump(r->pretty ? 2 : -1) << "\n";
      if (!out.flush()) {
        SetError(err, "cannot write " + tmp.string());
        return SP_ERROR;
      }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
      SetError(err, "cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
      return SP_ERROR;
    }
    return SP_OK;
  } catch (const std::exception& e) {
    SetError(err, e.what());
    return SP_ERROR;
  }
}

void Destroy(void* instance) noexcept { delete static_cast<JsonReporter*>(instance); }

const sp_reporter_vtable kVtable = {sizeof(sp_reporter_vtable), Create, OnDocument, Finish, Destroy};

const sp_plugin_descriptor kDescriptor = {
    SP_DESCRIPTOR_HEADER,
    SP_KIND_REPORTER,
    "json",
    "0.1.0",
    "writes the run's summary, 1 s time series and events as one JSON file",
    kOptions,
    sizeof kOptions / sizeof kOptions[0],
    &kVtable,
    nullptr,
    nullptr,
};

}  // namespace

extern "C" SP_EXPORT const sp_plugin_descriptor* stressplan_plugin_entry(void) { return &kDescriptor; }
