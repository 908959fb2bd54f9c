#include "core/merge/segment_report.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/report/recorder_json.h"

namespace sp::merge {
namespace {

using nlohmann::json;

// The segment a report says it is: run_start's, the summary's or the report's own
// `segment`, whichever is there; none: 0 of 1 (a run without --segment).
const json* SegmentOf(const json& report) {
  for (const json* where : {&report, &report.at("run"), &report.at("summary")}) {
    if (where->contains("segment")) return &where->at("segment");
  }
  return nullptr;
}

bool ReadText(const std::string& file, std::string* text, std::string* err) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    *err = file + ": cannot be read (" +
           (std::filesystem::exists(file) ? "permission?" : "no such file") + ")";
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  *text = s.str();
  return true;
}

// The members of a report; throws json's exceptions or a runtime_error saying what is wrong.
void Decode(const json& report, std::vector<std::string>* names, SegmentReport* out) {
  if (report.value("type", "") != "report")
    throw std::runtime_error("not a stressplan JSON report");
  out->run = report.at("run");
  out->summary = report.at("summary");
  out->events = report.at("events");
  if (!out->run.contains("plan_id") || !out->summary.contains("recorder")) {
    throw std::runtime_error(
        "written by a stressplan without lossless recorders (no plan_id or summary.recorder); "
        "run the segments again with this version");
  }
  out->plan_id = out->run.at("plan_id").get<std::string>();
  out->started_unix_ms = out->run.at("started_unix_ms").get<uint64_t>();
  if (const json* seg = SegmentOf(report)) {
    out->index = seg->at("index").get<size_t>();
    out->count = seg->at("count").get<size_t>();
  }
  std::string err;
  if (!report::RecorderFromJson(out->summary.at("recorder"), names, &out->total, &err))
    throw std::runtime_error("summary.recorder: " + err);
  for (const json& snap : report.at("timeseries")) {
    SegmentSecond s;
    s.second = snap.at("second").get<uint64_t>();
    if (!report::RecorderFromJson(snap.at("recorder"), names, &s.interval, &err))
      throw std::runtime_error("timeseries second " + std::to_string(s.second) +
                               ": recorder: " + err);
    s.snapshot = snap;
    out->seconds.push_back(std::move(s));
  }
}

}  // namespace

bool ReadSegmentReport(const std::string& path, std::vector<std::string>* names, SegmentReport* out,
                       std::string* err) {
  out->file = std::filesystem::is_directory(path)
                  ? (std::filesystem::path(path) / "report.json").string()
                  : path;
  std::string text;
  if (!ReadText(out->file, &text, err)) return false;
  const json report = json::parse(text, nullptr, false);
  if (report.is_discarded() || !report.is_object()) {
    *err = out->file + ": not JSON (a report.json written by the json reporter is expected)";
    return false;
  }
  try {
    Decode(report, names, out);
  } catch (const std::exception& e) {
    *err = out->file + ": " + e.what();
    return false;
  }
  return true;
}

bool CheckSegments(std::vector<SegmentReport>* reports, std::string* err) {
  const SegmentReport& first = reports->front();
  for (const SegmentReport& r : *reports) {
    if (r.plan_id != first.plan_id) {
      *err = "reports of different plans: " + first.file + " (plan " + first.plan_id + ") and " +
             r.file + " (plan " + r.plan_id + ")";
      return false;
    }
    if (r.count != first.count) {
      *err = "different segment counts: " + first.file + " is one of " +
             std::to_string(first.count) + ", " + r.file + " one of " + std::to_string(r.count);
      return false;
    }
    if (r.index >= r.count) {
      *err = r.file + ": segment " + std::to_string(r.index) + " of " + std::to_string(r.count) +
             " is out of range";
      return false;
    }
  }
  std::stable_sort(
      reports->begin(), reports->end(),
      [](const SegmentReport& a, const SegmentReport& b) { return a.index < b.index; });
  for (size_t i = 1; i < reports->size(); ++i) {
    if ((*reports)[i].index == (*reports)[i - 1].index) {
      *err = "segment " + std::to_string((*reports)[i].index) +
             " twice: " + (*reports)[i - 1].file + " and " + (*reports)[i].file;
      return false;
    }
  }
  if (reports->size() != first.count) {
    std::string missing;
    size_t next = 0;
    for (size_t i = 0; i < first.count; ++i) {
      if (next < reports->size() && (*reports)[next].index == i) {
        ++next;
      } else {
        missing += (missing.empty() ? "" : ", ") + std::to_string(i);
      }
    }
    *err = "missing segment(s) " + missing + " of " + std::to_string(first.count) +
           " (given: " + std::to_string(reports->size()) + " report(s))";
    return false;
  }
  return true;
}

}  // namespace sp::merge
