#include "core/run/thresholds.h"

#include "core/plan/threshold.h"

#include <cmath>
#include <cstdio>

namespace sp::run {
namespace {

bool Compare(double observed, plan::Threshold::Op op, double value) {
  switch (op) {
    case plan::Threshold::Op::Lt: return observed < value;
    case plan::Threshold::Op::Le: return observed <= value;
    case plan::Threshold::Op::Gt: return observed > value;
    case plan::Threshold::Op::Ge: return observed >= value;
    case plan::Threshold::Op::Eq: return observed == value;
    case plan::Threshold::Op::Ne: return observed != value;
  }
  return false;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A latency statistic in milliseconds from a histogram of nanoseconds.
bool Stat(const metrics::Histogram& h, const std::string& stat, double* out) {
  if (h.count() == 0) return false;
  uint64_t ns = 0;
  if (stat == "min") {
    ns = h.min();
  } else if (stat == "max") {
    ns = h.max();
  } else if (stat == "mean") {
    *out = h.mean() / 1e6;
    return true;
  } else {
    ns = h.Percentile(std::stod(stat.substr(1)));
  }
  *out = static_cast<double>(ns) / 1e6;
  return true;
}

uint64_t Named(const std::vector<uint64_t>& counts, const std::vector<std::string>& names,
               const std::string& name) {
  for (size_t i = 0; i < names.size() && i < counts.size(); ++i) {
    if (names[i] == name) return counts[i];
  }
  return 0;
}

}  // namespace

std::string FormatObserved(const std::string& metric, double v) {
  char buf[64];
  if (metric == "recovery_time" && std::isinf(v)) return "unrecovered";
  if (metric == "recovery_time" || metric == "circuit.open_time") {
    std::snprintf(buf, sizeof buf, "%.1fs", v / 1000.0);
  } else if (StartsWith(metric, "latency.") || StartsWith(metric, "service_time.")) {
    std::snprintf(buf, sizeof buf, "%.3fms", v);
  } else if (metric == "error_rate" || metric == "checks") {
    std::snprintf(buf, sizeof buf, "%.3f%%", v * 100.0);
  } else if (metric == "rps") {
    std::snprintf(buf, sizeof buf, "%.1f/s", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  }
  return buf;
}

ThresholdEvaluator::ThresholdEvaluator(const std::vector<plan::Threshold>& thresholds,
                                       const LoadModel& model) {
  for (const auto& t : thresholds) {
    State s;
    s.result.threshold = &t;
    s.result.skipped = !t.skip_reason.empty();
    if (!t.request.empty()) {
      for (size_t i = 0; i < model.step_names.size(); ++i) {
        if (model.step_names[i] == t.request) s.step = static_cast<int>(i);
      }
    }
    // The plan checked the name against the selected profile (threshold_schema.h).
    if (const int w = t.workload.empty() ? -1 : model.WorkloadIndex(t.workload); w >= 0) {
      s.workload = &model.workloads[static_cast<size_t>(w)];
      s.workload_index = static_cast<size_t>(w);
    }
    max_window_s_ = std::max<size_t>(max_window_s_, static_cast<size_t>(t.window.count() / 1'000'000'000));
    states_.push_back(s);
  }
}

bool ThresholdEvaluator::Observe(const State& s, const metrics::Recorder& r, double seconds,
                                 const std::vector<std::string>& names,
                                 const std::map<std::string, uint64_t>& emitted, double* out) const {
  const std::string& m = s.result.threshold->metric;
  if (plan::IsRunEndMetric(m)) {
    auto it = run_end_values_.find(m);
    if (it == run_end_values_.end()) return false;
    return *out = it->second, true;
  }
  // Scoped to one request step: its own requests, errors and latency. Scoped to a workload:
  // its stages' (and the stages' dropped starts).
  const metrics::StepStats* step = nullptr;
  metrics::StepStats empty;
  metrics::StageStats workload;
  if (s.step >= 0) step = static_cast<size_t>(s.step) < r.steps().size() ? &r.steps()[s.step] : &empty;
  if (s.workload != nullptr) {
    const uint32_t end = s.workload->first_stage + s.workload->stage_count;
    for (uint32_t k = s.workload->first_stage; k < end && k < r.stages().size(); ++k)
      workload.Merge(r.stages()[k]);
    step = &workload;
    if (m == "dropped") return *out = static_cast<double>(workload.dropped), true;
  }
  const uint64_t requests = step ? step->requests : r.requests();
  const uint64_t errors = step ? step->errors : r.errors();
  if (StartsWith(m, "latency.")) return Stat(step ? step->latency : r.latency(), m.substr(8), out);
  if (StartsWith(m, "service_time.")) return Stat(r.service_time(), m.substr(13), out);
  if (m == "error_rate") {
    if (requests == 0) return false;
    *out = static_cast<double>(errors) / static_cast<double>(requests);
    return true;
  }
  if (m == "checks") {
    if (r.requests() == 0) return false;
    *out = 1.0 - static_cast<double>(r.errors_by_kind()[SP_E_CHECK_FAILED]) / static_cast<double>(r.requests());
    return true;
  }
  if (m == "rps") {
    if (seconds <= 0) return false;
    *out = static_cast<double>(requests) / seconds;
    return true;
  }
  if (m == "requests") return *out = static_cast<double>(requests), true;
  if (m == "errors") return *out = static_cast<double>(errors), true;
  if (m == "dropped") {
    uint64_t d = 0;
    for (const auto& st : r.stages()) d += st.dropped;
    return *out = static_cast<double>(d), true;
  }
  if (StartsWith(m, "events.")) {
    std::string name = m.substr(7);
    uint64_t n = Named(r.events(), names, name);
    if (auto it = emitted.find(name); it != emitted.end()) n += it->second;
    return *out = static_cast<double>(n), true;
  }
  if (StartsWith(m, "errors.")) {
    std::string type = m.substr(7);
    for (int k = 1; k < metrics::kErrorKinds; ++k) {
      if (type == metrics::ErrorKindName(k)) return *out = static_cast<double>(r.errors_by_kind()[k]), true;
    }
    return *out = 0, true;
  }
  if (StartsWith(m, "status.")) {
    int code = std::atoi(m.c_str() + 7);
    *out = code > 0 && code < 600 ? static_cast<double>(r.status_codes()[code]) : 0.0;
    return true;
  }
  return false;
}

const plan::Threshold* ThresholdEvaluator::OnSecond(const metrics::Recorder& interval,
                                                    const metrics::Recorder& total, double elapsed_s,
                                                    const std::vector<std::string>& names,
                                                    const std::map<std::string, uint64_t>& emitted) {
  if (max_window_s_ > 0) {
    recent_.push_back(interval);
    while (recent_.size() > max_window_s_) recent_.pop_front();
  }
  const plan::Threshold* abort = nullptr;
  for (State& s : states_) {
    const plan::Threshold& t = *s.result.threshold;
    if (s.result.skipped) continue;
    double v = 0;
    bool have = false;
    size_t w = static_cast<size_t>(t.window.count() / 1'000'000'000);
    if (w > 0) {
      if (recent_.size() < w) continue;  // not a full window yet
      metrics::Recorder window;
      for (size_t i = recent_.size() - w; i < recent_.size(); ++i) window.Merge(recent_[i]);
      have = Observe(s, window, static_cast<double>(w), names, emitted, &v);
      if (have && s.result.passed) {
        s.result.evaluated = true;
        s.result.observed = v;
        if (!Compare(v, t.op, t.value)) {
          s.result.passed = false;
          s.result.failed_at_s = elapsed_s;
        }
      }
    } else if (t.abort_on_fail) {
      have = Observe(s, total, elapsed_s, names, emitted, &v);
      if (have && !Compare(v, t.op, t.value) && s.result.failed_at_s < 0) {
        s.result.failed_at_s = elapsed_s;
        s.result.observed = v;
      }
    }
    if (t.abort_on_fail && s.result.failed_at_s >= 0 && abort == nullptr) abort = &t;
  }
  return abort;
}

std::vector<ThresholdResult> ThresholdEvaluator::Final(
    const metrics::Recorder& total, double run_s, const std::vector<std::string>& names,
    const std::map<std::string, uint64_t>& emitted) {
  std::vector<ThresholdResult> out;
  for (State& s : states_) {
    const plan::Threshold& t = *s.result.threshold;
    const double duration_s = s.workload != nullptr && s.workload_index < workload_seconds_.size()
                                  ? workload_seconds_[s.workload_index]
                                  : run_s;
    if (s.result.skipped) {
      s.result.observed_text = "skipped";
      out.push_back(s.result);
      continue;
    }
    if (t.window.count() == 0 && t.abort_on_fail && s.result.failed_at_s >= 0) {
      // It stopped the run: the verdict is the failure it was stopped for.
      s.result.evaluated = true;
      s.result.passed = false;
      s.result.have_run_value = Observe(s, total, duration_s, names, emitted, &s.result.run_observed);
      if (s.result.have_run_value) s.result.run_observed_text = FormatObserved(t.metric, s.result.run_observed);
    } else if (t.window.count() == 0 || !s.result.evaluated) {
      // A window never filled (the run was shorter) is judged over the whole run.
      double v = 0;
      if (Observe(s, total, duration_s, names, emitted, &v)) {
        s.result.evaluated = true;
        s.result.observed = v;
        s.result.passed = Compare(v, t.op, t.value);
      } else {
        // Nothing to judge (no requests for a latency): a threshold that cannot be shown to
        // hold has failed.
        s.result.evaluated = false;
        s.result.passed = false;
      }
    }
    s.result.observed_text = s.result.evaluated ? FormatObserved(t.metric, s.result.observed) : "no data";
    out.push_back(s.result);
  }
  return out;
}

ThresholdResult JudgeOnce(const plan::Threshold& t, const LoadModel& model, const metrics::Recorder& window,
                          double seconds, const std::vector<std::string>& names) {
  std::vector<plan::Threshold> one{t};
  one[0].window = plan::Duration{0};
  one[0].abort_on_fail = false;
  ThresholdEvaluator evaluator(one, model);
  ThresholdResult r = evaluator.Final(window, seconds, names, {})[0];
  r.threshold = &t;  // not the evaluator's copy, which dies with it
  return r;
}

}  // namespace sp::run
