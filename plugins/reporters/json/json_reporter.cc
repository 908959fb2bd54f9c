// The JSON reporter: collects the run's documents and, at the end, writes one JSON file with
// the run's description, its summary, the 1 s time series and the events
// (docs/report-schema.json). Written to a temporary file and renamed, so a reader never sees
// half a report. Snapshots and events are spilled to an anonymous temporary file as they come
// (one line each), so a run of any length keeps the reporter's memory flat; they are read
// back only when the report is written.
#include <stressplan/reporter.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "plugins/common/descriptor.h"
#include "plugins/common/reporter_edge.h"
#include "plugins/reporters/common/report_file.h"

namespace {

using nlohmann::json;

// Documents kept on disk, one JSON text a line, in arrival order.
class SpillFile {
 public:
  SpillFile() : file_(std::tmpfile()) {
    if (file_ == nullptr) throw std::runtime_error("cannot create a temporary file for the time series");
  }
  ~SpillFile() { std::fclose(file_); }
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  void Append(const json& d) {
    const std::string line = d.dump() + "\n";
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) {
      throw std::runtime_error("cannot write the time series to a temporary file (disk full?)");
    }
  }

  json ReadAll() const {
    json out = json::array();
    std::fflush(file_);
    std::rewind(file_);
    std::string line;
    for (int c; (c = std::fgetc(file_)) != EOF;) {
      if (c != '\n') {
        line.push_back(static_cast<char>(c));
        continue;
      }
      out.push_back(json::parse(line));
      line.clear();
    }
    std::fseek(file_, 0, SEEK_END);
    return out;
  }

 private:
  std::FILE* file_;
};

// The report indented for people, except each lossless `recorder` (the summary's and every
// snapshot's), written on one line: indented, their [bucket, count] lists take about eight
// times the room (docs/reports.md#lossless-recorders). Each recorder is swapped for a
// placeholder string, the rest indented, and the placeholders replaced in order (the summary
// comes before the time series in the text, as in the object).
std::string PrettyWithCompactRecorders(json report) {
  std::vector<std::string> compact;
  auto take = [&compact](json& doc) {
    if (!doc.is_object() || !doc.contains("recorder")) return;
    compact.push_back(doc["recorder"].dump());
    doc["recorder"] = "\x01recorder " + std::to_string(compact.size() - 1);
  };
  take(report["summary"]);
  for (json& snapshot : report["timeseries"]) take(snapshot);
  std::string text = report.dump(2);
  size_t at = 0;
  for (size_t i = 0; i < compact.size(); ++i) {
    const std::string placeholder = "\"\\u0001recorder " + std::to_string(i) + "\"";
    at = text.find(placeholder, at);
    if (at == std::string::npos)
      throw std::runtime_error("internal error: a recorder placeholder went missing");
    text.replace(at, placeholder.size(), compact[i]);
    at += compact[i].size();
  }
  return text;
}

struct JsonReporter {
  std::string path;
  bool pretty = true;
  json run_start;
  json summary;
  SpillFile timeseries;
  SpillFile events;

  static std::unique_ptr<JsonReporter> FromOptions(const sp_options* options,
                                                   sp::plugin_common::OptionError* err) {
    auto r = std::make_unique<JsonReporter>();
    r->path = std::string(options->values[0].s.ptr, options->values[0].s.len);
    r->pretty = options->values[1].b != 0;
    if (r->path.empty() || r->path.back() == '/') {
      *err = {"path must name a file", "path", ""};
      return nullptr;
    }
    return r;
  }

  void OnRunStart(json d) { run_start = std::move(d); }
  void OnSnapshot(json d) { timeseries.Append(d); }
  void OnEvent(json d) { events.Append(d); }
  void OnSummary(json d) { summary = std::move(d); }

  bool Finish(std::string* why) const {
    json report = {{"type", "report"},
                   {"schema_version", summary.value("schema_version", 1)},
                   {"run", run_start},
                   {"summary", summary},
                   {"timeseries", timeseries.ReadAll()},
                   {"events", events.ReadAll()}};
    // Where a merge looks first: which segment of the plan this is, and when it started.
    for (const char* key : {"segment", "start"}) {
      if (summary.contains(key)) report[key] = summary[key];
    }
    return sp::reporters::WriteReportFile(
        path, (pretty ? PrettyWithCompactRecorders(std::move(report)) : report.dump()) + "\n", why);
  }
};

const sp_option_decl kOptions[] = {
    {"path", SP_OPT_PATH, "report.json", 0,
     "file to write; relative paths go under the run's --report folder"},
    {"pretty", SP_OPT_BOOL, "true", 0, "indent the JSON for people (false: one line)"},
};

constexpr char kWho[] = "json reporter";
constexpr sp_reporter_vtable kVtable =
    sp::plugin_common::ReporterEdge<JsonReporter, kWho>::MakeVtable();

constexpr sp_plugin_descriptor kDescriptor = sp::plugin_common::MakeDescriptor(
    SP_KIND_REPORTER, "json", "0.1.0",
    "writes the run's summary, 1 s time series and events as one JSON file", kOptions, &kVtable);

}  // namespace

SP_PLUGIN_ENTRY { return &kDescriptor; }
