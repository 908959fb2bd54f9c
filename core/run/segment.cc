#include "core/run/segment.h"

#include <algorithm>
#include <charconv>

#include "core/run/schedule.h"

namespace sp::run {
namespace {

constexpr uint32_t kMaxSegments = 100000;

bool ParseNumber(std::string_view text, uint32_t* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool CheckSegment(uint32_t index, uint32_t count, Segment* out, std::string* err) {
  if (count < 1 || count > kMaxSegments) {
    *err = "the number of segments must be 1 to " + std::to_string(kMaxSegments) + ", got " +
           std::to_string(count);
    return false;
  }
  if (index >= count) {
    *err = "segment index " + std::to_string(index) + " is out of range: indexes run from 0 to " +
           std::to_string(count - 1);
    return false;
  }
  *out = Segment{index, count};
  return true;
}

}  // namespace

bool ParseSegment(std::string_view text, Segment* out, std::string* err) {
  const size_t slash = text.find('/');
  uint32_t index = 0;
  uint32_t count = 0;
  if (slash == std::string_view::npos || !ParseNumber(text.substr(0, slash), &index) ||
      !ParseNumber(text.substr(slash + 1), &count)) {
    *err = "expected I/N (segment I of N, I from 0), e.g. 0/4, got \"" + std::string(text) + "\"";
    return false;
  }
  return CheckSegment(index, count, out, err);
}

bool SegmentFromSettings(std::string_view flag,
                         const std::function<const char*(const char*)>& getenv, Segment* out,
                         std::string* err) {
  if (!flag.empty()) {
    if (ParseSegment(flag, out, err)) return true;
    *err = "--segment: " + *err;
    return false;
  }
  if (const char* v = getenv("STRESSPLAN_SEGMENT"); v != nullptr && *v != '\0') {
    if (ParseSegment(v, out, err)) return true;
    *err = "STRESSPLAN_SEGMENT: " + *err;
    return false;
  }
  const char* job_index = getenv("JOB_COMPLETION_INDEX");
  if (job_index == nullptr || *job_index == '\0') {
    *out = Segment{};
    return true;
  }
  const char* segments = getenv("STRESSPLAN_SEGMENTS");
  uint32_t index = 0;
  uint32_t count = 0;
  if (segments == nullptr || !ParseNumber(segments, &count)) {
    *err =
        "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but STRESSPLAN_SEGMENTS, the "
        "number of segments (the Job's completions), is " +
        (segments == nullptr ? std::string("not set") : "\"" + std::string(segments) + "\"");
    return false;
  }
  if (!ParseNumber(job_index, &index)) {
    *err = "JOB_COMPLETION_INDEX: expected a whole number, got \"" + std::string(job_index) + "\"";
    return false;
  }
  if (CheckSegment(index, count, out, err)) return true;
  *err = "JOB_COMPLETION_INDEX / STRESSPLAN_SEGMENTS: " + *err;
  return false;
}

uint64_t ShareOf(uint64_t total, Segment s) {
  return total / s.count + (s.index < total % s.count ? 1 : 0);
}

int ShareOf(int total, Segment s) {
  if (total <= 0) return 0;
  return static_cast<int>(ShareOf(static_cast<uint64_t>(total), s));
}

uint64_t IterationShare(uint64_t iterations, int users, Segment s) {
  if (users <= 0) return ShareOf(iterations, s);  // no user anywhere: the stage runs its time
  const uint32_t with_users = std::min<uint32_t>(s.count, static_cast<uint32_t>(users));
  if (s.index >= with_users) return 0;
  return ShareOf(iterations, Segment{s.index, with_users});
}

uint64_t GlobalNumber(uint64_t local, Segment s) { return local * s.count + s.index; }

double SegmentArrivalSeconds(const plan::Stage& stage, uint64_t local, Segment s) {
  return ArrivalSeconds(stage, GlobalNumber(local, s));
}

}  // namespace sp::run
