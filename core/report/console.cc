#include "core/report/console.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/report/documents.h"

namespace sp::report {

Console::Console(bool quiet, const RunInfo& info)
    : Console(quiet, info, stdout, stderr, isatty(STDERR_FILENO) == 1) {}

Console::Console(bool quiet, const RunInfo& info, FILE* out, FILE* err, bool tty)
    : quiet_(quiet), out_(out), err_(err), tty_(tty), info_(info) {}

namespace {

// What a threshold's line says it saw, and when: the value that failed a window or stopped
// the run is not the run's total printed above it, so it says which it is.
std::string ThresholdObserved(const ThresholdResult& r) {
  const plan::Threshold& th = *r.threshold;
  if (r.skipped) return "not judged: " + th.skip_reason + " (does not change the exit code)";
  std::string text = "observed " + r.observed_text;
  char when[160] = "";
  if (r.failed_at_s >= 0 && th.window.count() > 0) {
    std::snprintf(when, sizeof when, " over the %gs window ending at %.1fs",
                  static_cast<double>(th.window.count()) / 1e9, r.failed_at_s);
  } else if (r.failed_at_s >= 0 && th.abort_on_fail) {
    std::snprintf(when, sizeof when, " at %.1fs, when it stopped the run", r.failed_at_s);
    text += when;
    if (r.have_run_value) text += "; over the whole run " + r.run_observed_text;
    return text;
  }
  return text + when;
}

// "  requests ...", latency and service time, and each open stage's rates.
void PrintTotals(FILE* out, const RunEnd& end, const metrics::Recorder& t) {
  const metrics::Histogram& h = t.latency();
  std::fprintf(out, "  requests      %llu (%.1f/s), errors %llu (%.2f%%), interrupted %llu\n",
               static_cast<unsigned long long>(t.requests()),
               end.duration_s > 0 ? static_cast<double>(t.requests()) / end.duration_s : 0.0,
               static_cast<unsigned long long>(t.errors()),
               t.requests()
                   ? 100.0 * static_cast<double>(t.errors()) / static_cast<double>(t.requests())
                   : 0.0,
               static_cast<unsigned long long>(t.errors_by_kind()[SP_E_INTERRUPTED]));
  std::fprintf(out, "  latency ms    min %.2f  p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n",
               Ms(h.min()), Ms(h.Percentile(50)), Ms(h.Percentile(95)), Ms(h.Percentile(99)),
               Ms(h.max()));
  const metrics::Histogram& sv = t.service_time();
  if (sv.Percentile(99) != h.Percentile(99)) {
    std::fprintf(out,
                 "  service ms    min %.2f  p50 %.2f  p95 %.2f  p99 %.2f  max %.2f  (from the "
                 "actual send)\n",
                 Ms(sv.min()), Ms(sv.Percentile(50)), Ms(sv.Percentile(95)), Ms(sv.Percentile(99)),
                 Ms(sv.max()));
  }
  for (const StageResult& r : end.stages) {
    if (r.open && r.workload.empty()) {
      std::fprintf(out, "  stage %zu       open: %.1f/s planned, %.1f/s started, %llu dropped\n",
                   r.index, r.planned_rate, r.achieved_rate,
                   static_cast<unsigned long long>(r.dropped));
    }
  }
}

// A profile with `workloads:`: a line per workload (requests, errors, latency, iterations),
// then its open stages' rates.
void PrintWorkloads(FILE* out, const RunEnd& end) {
  for (const WorkloadResult& w : end.workloads) {
    const metrics::StageStats& st = w.stats;
    std::fprintf(
        out,
        "  workload %s (from %.1fs): requests %llu (%.1f/s), errors %llu (%.2f%%), "
        "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, iterations %llu, dropped %llu\n",
        w.name.c_str(), w.start_s, static_cast<unsigned long long>(st.requests),
        w.duration_s > 0 ? static_cast<double>(st.requests) / w.duration_s : 0.0,
        static_cast<unsigned long long>(st.errors),
        st.requests ? 100.0 * static_cast<double>(st.errors) / static_cast<double>(st.requests)
                    : 0.0,
        Ms(st.latency.Percentile(50)), Ms(st.latency.Percentile(95)), Ms(st.latency.Percentile(99)),
        static_cast<unsigned long long>(st.iterations_completed),
        static_cast<unsigned long long>(st.dropped));
    for (const StageResult& r : end.stages) {
      if (r.open && r.workload == w.name) {
        std::fprintf(out, "    stage %zu     open: %.1f/s planned, %.1f/s started, %llu dropped\n",
                     r.workload_stage, r.planned_rate, r.achieved_rate,
                     static_cast<unsigned long long>(r.dropped));
      }
    }
  }
}

// The errors by kind, the status codes and the events, each on one line when any.
void PrintCounts(FILE* out, const metrics::Recorder& t, const std::vector<std::string>& names) {
  std::string errors;
  for (int k = 1; k < metrics::kErrorKinds; ++k) {
    if (t.errors_by_kind()[k]) {
      errors += std::string(errors.empty() ? "" : ", ") + metrics::ErrorKindName(k) + " " +
                std::to_string(t.errors_by_kind()[k]);
    }
  }
  if (!errors.empty()) std::fprintf(out, "  errors        %s\n", errors.c_str());
  std::string codes;
  for (size_t s = 0; s < t.status_codes().size(); ++s) {
    if (t.status_codes()[s]) {
      codes += std::string(codes.empty() ? "" : ", ") + std::to_string(s) + " " +
               std::to_string(t.status_codes()[s]);
    }
  }
  if (!codes.empty()) std::fprintf(out, "  status codes  %s\n", codes.c_str());
  std::string events;
  for (size_t i = 0; i < t.events().size(); ++i) {
    if (t.events()[i] && i < names.size()) {
      events +=
          std::string(events.empty() ? "" : ", ") + names[i] + " " + std::to_string(t.events()[i]);
    }
  }
  if (!events.empty()) std::fprintf(out, "  events        %s\n", events.c_str());
}

void PrintThresholds(FILE* out, const RunEnd& end) {
  if (end.thresholds.empty()) return;
  std::fprintf(out, "  thresholds\n");
  for (const ThresholdResult& r : end.thresholds) {
    const plan::Threshold& th = *r.threshold;
    const std::string scope = th.workload.empty() ? th.request : "workload " + th.workload;
    std::fprintf(out, "    %s %s%s%s: %s\n",
                 r.skipped  ? "skip"
                 : r.passed ? "pass"
                            : "FAIL",
                 th.text.c_str(), scope.empty() ? "" : " for ", scope.c_str(),
                 ThresholdObserved(r).c_str());
  }
}

// One experiment: its verdict, when it was in, the load during it, the recovery; its message.
void PrintExperiment(FILE* out, const ExperimentReport& x) {
  const ExperimentResult& e = x.result;
  const bool good = e.outcome == Outcome::kCompleted && !e.deviated;
  std::fprintf(out, "    %s %s (%s): %s",
               e.outcome == Outcome::kSkipped ? "skip"
               : good                         ? "pass"
                                              : "FAIL",
               e.name.c_str(), e.fault.c_str(), OutcomeName(e.outcome));
  if (e.start_s >= 0)
    std::fprintf(out, ", %.1f s - %.1f s", e.start_s, e.end_s >= 0 ? e.end_s : e.start_s);
  if (x.measure.inject_s >= 0) {
    const metrics::Recorder& d = x.measure.during;
    std::fprintf(out, ", during: %.1f%% errors, p95 %.1f ms",
                 d.requests()
                     ? 100.0 * static_cast<double>(d.errors()) / static_cast<double>(d.requests())
                     : 0.0,
                 Ms(d.latency().Percentile(95)));
    if (x.measure.trips)
      std::fprintf(out, ", %llu trip(s)", static_cast<unsigned long long>(x.measure.trips));
  }
  if (x.measure.recovery) std::fprintf(out, ", recovery %s", x.measure.recovery->text.c_str());
  std::fprintf(out, "\n");
  if (!e.message.empty()) std::fprintf(out, "      %s\n", e.message.c_str());
}

void PrintChaos(FILE* out, const RunEnd& end) {
  for (const CircuitReport& c : end.chaos.circuits) {
    std::fprintf(out, "  circuit       %s: %llu trip(s)", c.source.c_str(),
                 static_cast<unsigned long long>(c.trips));
    if (c.time_open_s >= 0) std::fprintf(out, ", open %.1f s", c.time_open_s);
    std::fprintf(out, "\n");
  }
  if (end.chaos.experiments.empty()) return;
  std::fprintf(out, "  experiments\n");
  for (const ExperimentReport& x : end.chaos.experiments) PrintExperiment(out, x);
}

void PrintTrust(FILE* out, const RunEnd& end) {
  if (end.trustworthy()) return;
  std::fprintf(out, "  UNTRUSTWORTHY: the generator could not keep up with the plan:\n");
  for (const StageResult& r : end.stages) {
    for (const auto& p : r.problems) std::fprintf(out, "    - %s\n", p.c_str());
  }
}

}  // namespace

void Console::PrintSummary(const RunEnd& end, const metrics::Recorder& t,
                           const std::vector<std::string>& names) {
  std::fprintf(out_, "\nstressplan: %s, profile %s: %s in %.1fs\n", info_.plan->name.c_str(),
               info_.plan->profile.c_str(), RunStatusName(end.status), end.duration_s);
  PrintTotals(out_, end, t);
  PrintWorkloads(out_, end);
  PrintCounts(out_, t, names);
  PrintThresholds(out_, end);
  PrintChaos(out_, end);
  PrintTrust(out_, end);
  std::fflush(out_);
}

void Console::Tick(const SnapshotData& s, const metrics::Recorder& interval,
                   const metrics::Recorder& total) {
  if (quiet_) return;
  if (!tty_ && s.second % 10 != 0) return;
  char load[64];
  if (!s.workloads.empty()) {
    // Several workloads: their users and open iterations together, and their rates.
    std::snprintf(load, sizeof load, "users+running %d, planned users %d, rate %.0f/s",
                  s.active_users, s.planned_users, s.planned_rate);
  } else if (s.planned_rate > 0) {
    std::snprintf(load, sizeof load, "rate %.0f/s, %d running", s.planned_rate, s.active_users);
  } else {
    std::snprintf(load, sizeof load, "users %d/%d", s.active_users, s.planned_users);
  }
  char where[64];
  if (s.workloads.empty()) {
    std::snprintf(where, sizeof where, "stage %zu/%zu", std::min(s.stage + 1, info_.stage_count),
                  info_.stage_count);
  } else {
    const size_t running = static_cast<size_t>(
        std::count_if(s.workloads.begin(), s.workloads.end(),
                      [](const WorkloadSnapshot& w) { return w.started && !w.over; }));
    std::snprintf(where, sizeof where, "workloads %zu/%zu running", running, s.workloads.size());
  }
  char line[256];
  std::snprintf(
      line, sizeof line, "[%5.0fs/%.0fs] %s  %s  %llu req/s  p95 %.1f ms  errors %llu (total %llu)",
      s.elapsed_s, static_cast<double>(info_.planned_total_ns) / 1e9, where, load,
      static_cast<unsigned long long>(interval.requests()), Ms(interval.latency().Percentile(95)),
      static_cast<unsigned long long>(interval.errors()),
      static_cast<unsigned long long>(total.errors()));
  std::string text = line;
  if (!s.active_chaos.empty()) {
    text += "  chaos:";
    for (size_t i = 0; i < s.active_chaos.size(); ++i) text += (i ? ", " : " ") + s.active_chaos[i];
  }
  text = Redacted(std::move(text));
  std::lock_guard<std::mutex> lock(mu_);
  if (tty_) {
    std::fprintf(err_, "\r\033[K%s", text.c_str());
    std::fflush(err_);
    line_open_ = true;
  } else {
    std::fprintf(err_, "%s\n", text.c_str());
  }
}

void Console::Message(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (line_open_) std::fprintf(err_, "\n");
  line_open_ = false;
  std::fprintf(err_, "%s\n", Redacted(line).c_str());
  std::fflush(err_);
}

void Console::Summary(const RunEnd& end, const metrics::Recorder& t,
                      const std::vector<std::string>& names) {
  std::lock_guard<std::mutex> lock(mu_);
  if (line_open_) std::fprintf(err_, "\n");
  line_open_ = false;
  if (quiet_) return;
  // Written to memory first, so the whole summary passes through the redactor.
  char* text = nullptr;
  size_t size = 0;
  FILE* real = out_;
  out_ = open_memstream(&text, &size);
  if (out_ == nullptr) {
    out_ = real;
    return;
  }
  PrintSummary(end, t, names);
  std::fclose(out_);
  out_ = real;
  std::fputs(Redacted(std::string(text, size)).c_str(), out_);
  std::free(text);
  std::fflush(out_);
}

}  // namespace sp::report
