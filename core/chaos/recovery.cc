#include "core/chaos/recovery.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace sp::chaos {
namespace {

// `v` with `decimals` decimals, trailing zeros (and a trailing point) removed: 30, 1.5, 0.25.
std::string Trimmed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string Percent(double fraction) { return Trimmed(fraction * 100, 2) + "%"; }

}  // namespace

Baseline BaselineFrom(uint64_t requests, uint64_t errors, double p95_ms) {
  Baseline b;
  b.requests = requests;
  b.valid = requests > 0;
  b.error_rate = requests > 0 ? static_cast<double>(std::min(errors, requests)) / requests : 0;
  b.p95_ms = p95_ms;
  return b;
}

RecoveryMeter::RecoveryMeter(RecoveryConfig cfg, Baseline baseline, double fault_end_s)
    : cfg_(cfg), baseline_(baseline), fault_end_s_(fault_end_s) {
  cfg_.windows = std::max(cfg_.windows, 1);
  if (!baseline_.valid) {
    result_.state = RecoveryResult::State::NoBaseline;
    result_.reason = "no requests completed before the fault to compare with";
  }
}

std::string RecoveryMeter::Violation(const WindowStats& w) const {
  std::string out;
  auto add = [&out](const std::string& s) {
    if (!out.empty()) out += ", ";
    out += s;
  };
  if (w.breaker_open) add("breaker open");
  if (w.requests == 0) {
    if (out.empty()) add("no requests");
    return out;
  }
  double rate = static_cast<double>(std::min(w.errors, w.requests)) / w.requests;
  double rate_limit = baseline_.error_rate + cfg_.error_rate_margin;
  if (rate > rate_limit + 1e-12) add("error rate " + Percent(rate) + " > " + Percent(rate_limit));
  double p95_limit = std::max(baseline_.p95_ms * cfg_.latency_factor,
                              baseline_.p95_ms + cfg_.latency_floor_ms);
  if (w.p95_ms > p95_limit + 1e-9) {
    add("p95 " + Trimmed(w.p95_ms, 1) + " ms > " + Trimmed(p95_limit, 1) + " ms");
  }
  return out;
}

void RecoveryMeter::Fail(std::string reason, double deadline_s) {
  result_.state = RecoveryResult::State::Unrecovered;
  result_.reason = std::move(reason);
  result_.deadline_s = deadline_s;
}

void RecoveryMeter::OnWindow(const WindowStats& w) {
  if (done() || w.end_s <= fault_end_s_) return;
  double deadline_at = fault_end_s_ + cfg_.deadline_s;
  // With no good run in progress, a window starting after the deadline can only start a run
  // too late.
  if (good_ == 0 && w.start_s > deadline_at) {
    Fail(last_bad_.empty() ? "no good window after the fault" : last_bad_, cfg_.deadline_s);
    return;
  }
  bool empty = w.requests == 0 && !w.breaker_open;
  if (empty) return;  // neither good nor bad: see the class comment
  std::string violation = Violation(w);
  if (!violation.empty()) {
    good_ = 0;
    run_start_s_ = -1;
    last_bad_ = std::move(violation);
    // The next run can start no earlier than this window's end.
    if (w.end_s > deadline_at) Fail(last_bad_, cfg_.deadline_s);
    return;
  }
  if (good_ == 0) run_start_s_ = w.start_s;
  if (++good_ >= cfg_.windows) {
    result_.state = RecoveryResult::State::Recovered;
    result_.recovered_at_s = std::max(run_start_s_, fault_end_s_);
    result_.recovery_time_s = result_.recovered_at_s - fault_end_s_;
    result_.reason.clear();
  }
}

void RecoveryMeter::Finish(double run_end_s) {
  if (done()) return;
  double after = std::max(0.0, run_end_s - fault_end_s_);
  if (good_ == 0 && after > cfg_.deadline_s) {
    Fail(last_bad_.empty() ? "no good window after the fault" : last_bad_, cfg_.deadline_s);
    return;
  }
  std::string reason = "run ended " + Trimmed(after, 1) + " s after the fault, before recovery";
  if (good_ > 0) {
    reason += " (" + std::to_string(good_) + " of " + std::to_string(cfg_.windows) +
              " good windows)";
  } else if (!last_bad_.empty()) {
    reason += "; last bad window: " + last_bad_;
  }
  Fail(std::move(reason), -1);
}

const RecoveryResult& RecoveryMeter::result() const { return result_; }

bool RecoveryMeter::done() const { return result_.state != RecoveryResult::State::Pending; }

std::string Describe(const RecoveryResult& r) {
  switch (r.state) {
    case RecoveryResult::State::Pending:
      return "pending";
    case RecoveryResult::State::Recovered: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1f s", r.recovery_time_s);
      return buf;
    }
    case RecoveryResult::State::Unrecovered:
      if (r.deadline_s >= 0) {
        return "unrecovered (deadline " + Trimmed(r.deadline_s, 1) + " s): " + r.reason;
      }
      return "unrecovered: " + r.reason;
    case RecoveryResult::State::NoBaseline:
      return "no baseline: " + r.reason;
  }
  return "";
}

}  // namespace sp::chaos
