#include "plugins/reporters/html/run_data.h"

#include <algorithm>
#include <cmath>

namespace sp::html {

const json& RunData::plan() const {
  const json& p = Field(run_start, "plan");
  return p.is_object() ? p : Field(summary, "plan");
}

void RunData::AddSnapshot(const json& snapshot) {
  Sample s;
  const double previous = samples.empty() ? 0.0 : samples.back().t;
  s.t = NumberOr(snapshot, "elapsed_s", previous + 1);
  s.interval = std::max(0.0, s.t - previous);
  s.requests = NumberOr(snapshot, "requests", 0);
  s.errors = NumberOr(snapshot, "errors", 0);
  if (s.requests > 0) {
    const json& latency = Field(snapshot, "latency_ms");
    s.p50 = NumberOr(latency, "p50", kNaN);
    s.p95 = NumberOr(latency, "p95", kNaN);
    s.p99 = NumberOr(latency, "p99", kNaN);
  }
  const json& users = Field(snapshot, "users");
  s.users_active = NumberOr(users, "active", kNaN);
  s.planned_rate = NumberOr(snapshot, "planned_rate", kNaN);
  // Open stages plan a rate, not users (their "active" counts iterations in progress).
  if (std::isnan(s.planned_rate)) s.users_planned = NumberOr(users, "planned", kNaN);
  samples.push_back(s);
  // Halve the resolution of what is kept rather than grow: the page draws far fewer points.
  if (samples.size() >= kMaxSamples) samples = Downsample(samples, kMaxSamples / 2);
}

void RunData::AddEvent(const json& event) {
  if (events.size() >= kMaxEvents) {
    ++events_not_kept;
    return;
  }
  events.push_back({NumberOr(event, "elapsed_s", 0), Text(event, "source"), Text(event, "name"),
                    NumberOr(event, "value", 0)});
}

namespace {

// The larger of two values where NaN means "none".
double MaxOf(double a, double b) {
  if (std::isnan(a)) return b;
  if (std::isnan(b)) return a;
  return std::max(a, b);
}

}  // namespace

std::vector<Sample> Downsample(const std::vector<Sample>& samples, size_t max_points) {
  if (max_points == 0 || samples.size() <= max_points) return samples;
  const size_t per_bucket = (samples.size() + max_points - 1) / max_points;
  std::vector<Sample> out;
  out.reserve(max_points);
  for (size_t i = 0; i < samples.size(); i += per_bucket) {
    Sample b;
    b.interval = 0;
    for (size_t k = i; k < std::min(samples.size(), i + per_bucket); ++k) {
      const Sample& s = samples[k];
      b.t = s.t;
      b.interval += s.interval;
      b.requests += s.requests;
      b.errors += s.errors;
      b.p50 = MaxOf(b.p50, s.p50);
      b.p95 = MaxOf(b.p95, s.p95);
      b.p99 = MaxOf(b.p99, s.p99);
      b.users_active = MaxOf(b.users_active, s.users_active);
      b.users_planned = MaxOf(b.users_planned, s.users_planned);
      b.planned_rate = MaxOf(b.planned_rate, s.planned_rate);
    }
    out.push_back(b);
  }
  return out;
}

}  // namespace sp::html
