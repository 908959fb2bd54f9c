#include "core/metrics/recorder.h"

#include <algorithm>

namespace sp::metrics {
namespace {

void AddInto(std::vector<uint64_t>* into, const std::vector<uint64_t>& from) {
  if (into->size() < from.size()) into->resize(from.size());
  for (size_t i = 0; i < from.size(); ++i) (*into)[i] += from[i];
}

void Bump(std::vector<uint64_t>* v, uint32_t id) {
  if (id == UINT32_MAX) return;
  if (v->size() <= id) v->resize(id + 1);
  ++(*v)[id];
}

}  // namespace

const char* ErrorKindName(int kind) {
  static const char* const kNames[kErrorKinds] = {
      "none",        "connect_refused", "connect_timeout",    "dns",
      "tls",         "reset",           "response_timeout",   "protocol",
      "http_4xx",    "http_5xx",        "check_failed",       "interrupted",
      "other",       "local_limit",     "too_many_redirects", "tls_client_cert",
      "stream_reset"};
  return kind >= 0 && kind < kErrorKinds ? kNames[kind] : "other";
}

void StepStats::Merge(const StepStats& o) {
  latency.Merge(o.latency);
  requests += o.requests;
  errors += o.errors;
  redirects += o.redirects;
}

void StageStats::Merge(const StageStats& o) {
  StepStats::Merge(o);
  iterations_started += o.iterations_started;
  iterations_completed += o.iterations_completed;
  dropped += o.dropped;
  local_limit += o.local_limit;
}

void Recorder::Record(const sp_result& r, uint32_t step, uint32_t stage, uint64_t intended_ns) {
  uint64_t service = r.end_ns > r.start_ns ? r.end_ns - r.start_ns : 0;
  uint64_t from = intended_ns != 0 && intended_ns < r.start_ns ? intended_ns : r.start_ns;
  uint64_t latency = r.end_ns > from ? r.end_ns - from : 0;
  // A plugin may write any int into the enum field: read it as one (see RawEnum).
  int kind;
  __builtin_memcpy(&kind, &r.error, sizeof kind);
  if (kind < 0 || kind >= kErrorKinds) kind = SP_E_OTHER;
  bool error = kind != SP_E_NONE;
  ++requests_;
  errors_ += error;
  bytes_sent_ += r.bytes_sent;
  bytes_received_ += r.bytes_received;
  ++by_kind_[kind];
  // Interrupted requests have no meaningful latency: they were cut off by us, not answered.
  if (kind != SP_E_INTERRUPTED) {
    latency_.Record(latency);
    service_.Record(service);
  }
  if (r.status > 0 && r.status < 600) ++status_[r.status];
  for (size_t i = 0; i < r.event_count; ++i) Bump(&events_, r.events[i]);
  if (kind == SP_E_CHECK_FAILED) Bump(&checks_, r.failed_check);
  if (step >= steps_.size()) steps_.resize(step + 1);
  StepStats& s = steps_[step];
  ++s.requests;
  s.errors += error;
  s.redirects += r.redirect > 0;
  if (kind != SP_E_INTERRUPTED) s.latency.Record(latency);
  StageStats& g = StageOf(stage);
  ++g.requests;
  g.errors += error;
  g.local_limit += kind == SP_E_LOCAL_LIMIT;
  if (kind != SP_E_INTERRUPTED) g.latency.Record(latency);
}

void Recorder::Merge(const Recorder& o) {
  latency_.Merge(o.latency_);
  service_.Merge(o.service_);
  requests_ += o.requests_;
  errors_ += o.errors_;
  bytes_sent_ += o.bytes_sent_;
  bytes_received_ += o.bytes_received_;
  for (int i = 0; i < kErrorKinds; ++i) by_kind_[i] += o.by_kind_[i];
  for (size_t i = 0; i < status_.size(); ++i) status_[i] += o.status_[i];
  AddInto(&events_, o.events_);
  AddInto(&checks_, o.checks_);
  if (steps_.size() < o.steps_.size()) steps_.resize(o.steps_.size());
  for (size_t i = 0; i < o.steps_.size(); ++i) steps_[i].Merge(o.steps_[i]);
  if (stages_.size() < o.stages_.size()) stages_.resize(o.stages_.size());
  for (size_t i = 0; i < o.stages_.size(); ++i) stages_[i].Merge(o.stages_[i]);
}

void Recorder::Reset() {
  *this = Recorder(steps_.size(), stages_.size());
}

}  // namespace sp::metrics
