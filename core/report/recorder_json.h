// A Recorder as JSON, losslessly, and back: what a report carries so that the reports of
// several segments of one plan can be merged exactly (`stressplan merge`, core/merge). The
// histograms are sparse (hdr-log-linear-7 buckets with their count, min, max and sum), steps
// and stages only when something happened in them, so a second's encoding is small.
// docs/reports.md ("Lossless recorders") documents the layout.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/metrics/recorder.h"

namespace sp::report {

// The encoding's name in the report (`encoding` of each histogram object).
constexpr const char* kHistogramEncoding = "hdr-log-linear-7";

// `names`: interned event/check names by id.
nlohmann::json HistogramToJson(const metrics::Histogram& h);
nlohmann::json RecorderToJson(const metrics::Recorder& r, const std::vector<std::string>& names);

// Decodes what the functions above wrote. Event and check names are interned into *names
// (appended when new), so recorders decoded from several reports share one table. On bad
// input returns false with *err naming the member that is wrong; never throws.
bool HistogramFromJson(const nlohmann::json& j, metrics::Histogram* out, std::string* err);
bool RecorderFromJson(const nlohmann::json& j, std::vector<std::string>* names,
                      metrics::Recorder* out, std::string* err);

}  // namespace sp::report
