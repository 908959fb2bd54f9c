#include "core/chaos/chaos_runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/chaos/probe.h"

namespace sp::chaos {
namespace {

double Seconds(plan::Duration d) { return static_cast<double>(d.count()) / 1e9; }

// How long a revert may take to show (is_active() == 0) before it counts as failed.
constexpr double kVerifyTimeoutS = 5.0;

std::string FaultLabel(const FaultStep& step) {
  std::string label = step.plugin->name();
  for (const char* key : {"toxic", "action"}) {
    if (const sp_option_value* v = step.options.find(key); v && v->is_set && v->s.ptr) {
      label += " " + std::string(v->s.ptr, v->s.len);
    }
  }
  return label;
}

std::string Failures(const std::vector<ProbeOutcome>& probes) {
  std::string text;
  for (const ProbeOutcome& p : probes) {
    if (p.ok) continue;
    text += (text.empty() ? "" : "; ") + p.name + ": " + (p.message.empty() ? p.observed : p.message);
  }
  return text;
}

}  // namespace

ChaosRunner::ChaosRunner(const plan::Plan& plan, ChaosSetup* setup, plugin::Host* host, Journal* journal,
                         ChaosMetrics* metrics)
    : plan_(plan), setup_(setup), host_(host), journal_(journal), metrics_(metrics) {
  for (FaultStep& step : setup->steps()) {
    StepState s;
    s.step = &step;
    s.result.name = step.plan->name;
    s.result.fault = FaultLabel(step);
    s.result.planned_at_s = Seconds(step.plan->at);
    s.result.planned_duration_s = Seconds(step.plan->duration);
    steps_.push_back(std::move(s));
  }
}

ChaosRunner::~ChaosRunner() {
  if (thread_.joinable()) {
    Stop(Outcome::kAborted, "the run ended abnormally");
    thread_.join();
  }
  DestroyInstances();
}

void ChaosRunner::DestroyInstances() {
  for (StepState& s : steps_) s.instance.Destroy();
}

double ChaosRunner::Now() const { return static_cast<double>(plugin::NowNs() - t0_ns_) / 1e9; }

void ChaosRunner::Start(uint64_t t0_ns) {
  t0_ns_ = t0_ns;
  if (steps_.empty()) {
    done_ = true;
    return;
  }
  thread_ = std::thread([this] { Loop(); });
}

void ChaosRunner::Stop(Outcome outcome, const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
    stop_outcome_ = outcome;
    stop_why_ = why;
  }
  cv_.notify_all();
}

void ChaosRunner::Finish(const std::function<void()>& pump) {
  if (!thread_.joinable()) return;  // never started (no steps): nothing is in
  {
    std::lock_guard<std::mutex> lock(mu_);
    finishing_ = true;
  }
  cv_.notify_all();
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (done_) break;
    }
    pump();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> ChaosRunner::Active() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const StepState& s : steps_) {
    if (s.phase == Phase::Injected) names.push_back(s.result.name);
  }
  return names;
}

std::vector<ExperimentResult> ChaosRunner::Results() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ExperimentResult> out;
  for (const StepState& s : steps_) out.push_back(s.result);
  return out;
}

void ChaosRunner::Loop() {
  for (;;) {
    bool stop, finishing;
    Outcome outcome = Outcome::kAborted;
    std::string why;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop = stop_;
      finishing = finishing_;
      outcome = stop_outcome_;
      why = stop_why_;
    }
    if (stop) {
      StopAll(outcome, why);
      break;
    }
    double next = Now() + 0.05;
    bool all_done = true;
    for (size_t i = 0; i < steps_.size(); ++i) {
      StepState& s = steps_[i];
      // Read per step: a slow BeginStep of one step must not delay another's revert.
      const double now = Now();
      const double at = s.result.planned_at_s;
      // The fault stays its whole duration from when it went in (probes may delay the inject).
      const double end = std::max(at, s.result.start_s) + s.result.planned_duration_s;
      if (s.phase == Phase::Pending && !finishing && Stopping()) break;  // StopAll handles the rest
      switch (s.phase) {
        case Phase::Pending:
          if (finishing) {
            std::lock_guard<std::mutex> lock(mu_);
            s.result.outcome = Outcome::kSkipped;
            char text[96];
            std::snprintf(text, sizeof text, "not run: the load ended before the step's start (at %.1f s)", at);
            s.result.message = text;
            s.phase = Phase::Done;
          } else if (now >= at) {
            BeginStep(i);
          } else {
            next = std::min(next, at);
          }
          break;
        case Phase::Injected:
          if (finishing || now >= end) {
            RevertStep(i, finishing && now < end ? "the load ended" : "");
          } else {
            next = std::min(next, end);
          }
          break;
        case Phase::AwaitRecovery:
          if (finishing || metrics_->RecoveryDecided(i)) AfterProbes(i);
          break;
        case Phase::Done:
          break;
      }
      if (s.phase != Phase::Done) all_done = false;
    }
    if (all_done) break;  // every experiment is over: nothing is in, nothing more will be
    std::unique_lock<std::mutex> lock(mu_);
    const double wait = std::clamp(next - Now(), 0.0, 0.05);
    cv_.wait_for(lock, std::chrono::duration<double>(wait), [this] { return stop_ || finishing_; });
  }
  std::lock_guard<std::mutex> lock(mu_);
  done_ = true;
}

bool ChaosRunner::Stopping() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_ || finishing_;
}

std::vector<ProbeOutcome> ChaosRunner::RunProbes() {
  std::vector<ProbeOutcome> out;
  for (const plan::Probe& p : plan_.chaos.steady_state) {
    ProbeOutcome o;
    o.name = p.name;
    if (p.http) {
      chaos::ProbeResult r = chaos::RunHttpProbe(*p.http);
      o.ok = r.ok;
      o.observed = r.observed;
      o.message = r.message;
    } else if (p.threshold) {
      MetricProbeVerdict v = metrics_->EvaluateMetric(*p.threshold, Seconds(p.window));
      o.ok = v.evaluated && v.passed;
      o.observed = v.observed;
      if (!o.ok) {
        o.message = v.evaluated ? p.threshold->text + " over the last " + std::to_string(static_cast<int>(Seconds(p.window))) +
                                      " s: observed " + v.observed
                                : p.threshold->text + ": no requests in the last window to judge";
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

void ChaosRunner::EndBeforeInject(size_t i, std::vector<ProbeOutcome> before, Outcome outcome,
                                  std::string message) {
  StepState& s = steps_[i];
  std::lock_guard<std::mutex> lock(mu_);
  s.result.before = std::move(before);
  s.result.outcome = outcome;
  s.result.message = std::move(message);
  s.phase = Phase::Done;
}

bool ChaosRunner::SteadyBefore(size_t i, std::vector<ProbeOutcome>* before) {
  *before = RunProbes();
  const std::string failed = Failures(*before);
  if (!failed.empty()) {
    EndBeforeInject(i, std::move(*before), Outcome::kFailed,
                    "steady state not met before the fault, so it was not injected: " + failed);
    return false;
  }
  if (!Stopping()) return true;
  // A signal or the load's end came while the probes ran: the fault does not go in.
  std::lock_guard<std::mutex> lock(mu_);
  StepState& s = steps_[i];
  s.result.before = std::move(*before);
  if (!stop_) {  // when stopped, StopAll marks it with the stop's outcome
    s.result.outcome = Outcome::kSkipped;
    s.result.message = "not run: the load ended while the steady state was being checked";
    s.phase = Phase::Done;
  }
  return false;
}

bool ChaosRunner::CreateAndJournal(size_t i, std::vector<ProbeOutcome>* before) {
  StepState& s = steps_[i];
  std::string err;
  if (!setup_->Create(*s.step, host_, &s.instance, &err)) {
    EndBeforeInject(i, std::move(*before), Outcome::kAborted, err);
    return false;
  }
  std::string record;
  size_t wanted = 0;
  if (!s.instance.JournalRecord(&record, &wanted)) {
    // Without its record the fault could not be undone after a crash: it does not go in.
    EndBeforeInject(i, std::move(*before), Outcome::kAborted,
                    "the fault's journal record did not fit (" + std::to_string(wanted) +
                        " bytes); not injected");
    return false;
  }
  if (!journal_->Injecting(s.result.name, s.step->plugin->name(), s.step->plugin->file, record,
                           &s.journal_id) &&
      !record.empty()) {
    // A fault that can outlive this process goes in only once it is on disk.
    EndBeforeInject(i, std::move(*before), Outcome::kAborted,
                    "could not write the chaos journal (" + journal_->path() + "); not injected");
    return false;
  }
  return true;
}

void ChaosRunner::Inject(size_t i, std::vector<ProbeOutcome> before) {
  StepState& s = steps_[i];
  plugin::PluginError e;
  const double t = Now();
  // Marked before the call: an inject may take seconds (a process fault waits for the group to
  // stop), and those seconds belong to the fault's window, not the baseline.
  metrics_->MarkInjected(i, t);
  const bool injected = s.instance.Inject(&e);
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.result.before = std::move(before);
    s.result.start_s = t;
    if (injected) {
      s.result.injected = true;
      s.phase = Phase::Injected;
      injected_order_.push_back(i);
    }
  }
  host_->Event("chaos", "chaos_inject", static_cast<double>(i));
  if (injected) return;
  // A half-done inject is taken back out like a finished one.
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.result.outcome = Outcome::kAborted;
    s.result.message = "inject failed: " + e.Text("no reason given");
    s.phase = Phase::Injected;
    injected_order_.push_back(i);
  }
  RevertStep(i, "the inject failed");
}

void ChaosRunner::BeginStep(size_t i) {
  if (!windows_only_.empty()) {
    OpenWindow(i);
    return;
  }
  std::vector<ProbeOutcome> before;
  if (!SteadyBefore(i, &before)) return;
  if (!CreateAndJournal(i, &before)) return;
  Inject(i, std::move(before));
}

void ChaosRunner::OpenWindow(size_t i) {
  StepState& s = steps_[i];
  const double t = Now();
  metrics_->MarkInjected(i, t);
  std::lock_guard<std::mutex> lock(mu_);
  s.result.start_s = t;
  s.result.message = windows_only_;
  s.phase = Phase::Injected;
  injected_order_.push_back(i);
}

void ChaosRunner::CloseWindow(size_t i) {
  StepState& s = steps_[i];
  const double t = Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.result.end_s = t;
    s.phase = Phase::Done;  // the after-probes are the injecting generator's
  }
  metrics_->MarkReverted(i, t);
}

void ChaosRunner::RevertStep(size_t i, const std::string& why) {
  if (!windows_only_.empty()) {
    CloseWindow(i);
    return;
  }
  StepState& s = steps_[i];
  plugin::PluginError e;
  bool reverted = s.instance.Revert(&e);
  if (!reverted) {
    // One more try: a revert may fail on a transient condition (the service was restarting).
    plugin::PluginError again;
    reverted = s.instance.Revert(&again);
    if (reverted) e = plugin::PluginError{};
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kVerifyTimeoutS);
  bool active = s.instance.IsActive();
  while (active && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    active = s.instance.IsActive();
  }
  const double t = Now();
  if (reverted && !active) journal_->Reverted(s.journal_id);  // else recover may still need it
  host_->Event("chaos", "chaos_revert", static_cast<double>(i));
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.result.end_s = t;
    s.result.reverted = !active;
    if (!reverted || active) {
      s.result.outcome = Outcome::kAborted;
      std::string text = !reverted
                             ? "revert failed: " + e.Text("no reason given")
                             : "revert did not take: the fault was still active " +
                                   std::to_string(static_cast<int>(kVerifyTimeoutS)) + " s later";
      s.result.message += (s.result.message.empty() ? "" : "; ") + text +
                          " (the journal keeps it for `stressplan recover`)";
      const std::string line = "stressplan: chaos step \"" + s.result.name + "\": " + text;
      if (message_) {
        message_(line);
      } else {
        std::fprintf(stderr, "%s\n", line.c_str());
      }
    } else if (!why.empty() && s.result.outcome == Outcome::kCompleted) {
      s.result.message = "reverted early: " + why;
    }
    s.phase = s.result.outcome == Outcome::kCompleted ? Phase::AwaitRecovery : Phase::Done;
  }
  metrics_->MarkReverted(i, t);
}

void ChaosRunner::AfterProbes(size_t i) {
  StepState& s = steps_[i];
  std::vector<ProbeOutcome> after = RunProbes();
  const std::string failed = Failures(after);
  std::lock_guard<std::mutex> lock(mu_);
  s.result.after = std::move(after);
  if (!failed.empty()) {
    s.result.outcome = Outcome::kFailed;
    s.result.deviated = true;
    s.result.message = "steady state deviated after the fault: " + failed;
  }
  s.phase = Phase::Done;
}

void ChaosRunner::StopAll(Outcome outcome, const std::string& why) {
  // Newest first: a fault injected on top of another comes out before it.
  std::vector<size_t> order;
  {
    std::lock_guard<std::mutex> lock(mu_);
    order.assign(injected_order_.rbegin(), injected_order_.rend());
  }
  for (size_t i : order) {
    if (steps_[i].phase == Phase::Injected) RevertStep(i, why);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (StepState& s : steps_) {
    if (s.phase == Phase::Done && s.result.outcome != Outcome::kCompleted) continue;
    // Finished before the stop (injected and reverted, or a window followed and closed).
    if (s.phase == Phase::Done && (s.result.injected || s.result.end_s >= 0)) continue;
    if (s.phase == Phase::Pending) {
      s.result.outcome = outcome;
      s.result.message = "not run: " + why;
    } else {
      s.result.outcome = outcome;
      s.result.message = (s.result.message.empty() ? "" : s.result.message + "; ") + OutcomeName(outcome) + ": " + why;
    }
    s.phase = Phase::Done;
  }
}

}  // namespace sp::chaos
