// The chaos thread: walks the plan's chaos steps on the run's timeline. For each step it checks
// the steady-state hypothesis, journals and injects the fault at `at`, reverts it at
// `at + duration` and verifies nothing of it remains, waits until the run has recovered (or
// the recovery deadline passed), and checks the hypothesis again (docs/chaos.md).
//
// It never touches the load threads: a slow inject or revert only delays this thread. On
// Stop (SIGINT/SIGTERM, abort_on_fail, a broken load thread) it reverts whatever is in at
// once, in reverse order of injection; at the run's end, Finish does the same and runs the
// after-probes still due.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/chaos/chaos_metrics.h"
#include "core/chaos/chaos_setup.h"
#include "core/chaos/journal.h"
#include "core/plan/plan.h"
#include "core/plugin/host.h"
#include "core/report/results.h"

namespace sp::chaos {

using report::ExperimentResult;
using report::Outcome;
using report::OutcomeName;
using report::ProbeOutcome;

class ChaosRunner {
 public:
  ChaosRunner(const plan::Plan& plan, ChaosSetup* setup, plugin::Host* host, Journal* journal,
              ChaosMetrics* metrics);
  ~ChaosRunner();

  void Start(uint64_t t0_ns);
  // Any thread: revert what is in now and start nothing more. outcome: kInterrupted or kAborted.
  void Stop(Outcome outcome, const std::string& why);
  // Main thread, after the load ended: reverts what is still in, runs the after-probes still
  // due (unless stopped), joins. `pump` runs every few ms while waiting (service restarts).
  void Finish(const std::function<void()>& pump);

  // Where the thread's own messages go (a revert that failed); stderr until set. Set before Start.
  void SetMessageSink(std::function<void(const std::string&)> sink) { message_ = std::move(sink); }
  // A generator that runs a segment other than 0 of the plan (docs/distributed.md): the faults
  // are another generator's to inject, so this one only follows their planned windows - no
  // probe, no fault instance, no journal entry - and its report attributes its own load to
  // them. `why` becomes each experiment's message. Set before Start.
  void SetWindowsOnly(std::string why) { windows_only_ = std::move(why); }

  // After Finish: destroys the fault instances (before their sites close). Results stay.
  void DestroyInstances();

  std::vector<std::string> Active() const;  // names of the steps whose fault is in
  std::vector<ExperimentResult> Results() const;
  bool empty() const { return steps_.empty(); }

 private:
  enum class Phase { Pending, Injected, AwaitRecovery, Done };
  struct StepState {
    FaultStep* step = nullptr;
    Phase phase = Phase::Pending;
    plugin::FaultInstance instance;  // created at the step's start, destroyed by DestroyInstances
    uint64_t journal_id = 0;
    ExperimentResult result;
  };

  void Loop();
  double Now() const;
  // Probes the steady state, creates the fault, journals it and injects it.
  void BeginStep(size_t i);
  // BeginStep's phases; false: the step ended (or the run stops) before the inject.
  bool SteadyBefore(size_t i, std::vector<ProbeOutcome>* before);
  bool CreateAndJournal(size_t i, std::vector<ProbeOutcome>* before);
  void Inject(size_t i, std::vector<ProbeOutcome> before);
  // Ends a step that was not injected, keeping the probes run before it.
  void EndBeforeInject(size_t i, std::vector<ProbeOutcome> before, Outcome outcome,
                       std::string message);
  void RevertStep(size_t i, const std::string& why);
  // Windows only: the planned window opens and closes on the timeline, nothing is touched.
  void OpenWindow(size_t i);
  void CloseWindow(size_t i);
  void AfterProbes(size_t i);
  std::vector<ProbeOutcome> RunProbes();
  void StopAll(Outcome outcome, const std::string& why);

  bool Stopping() const;  // Stop or Finish was asked for

  const plan::Plan& plan_;
  std::function<void(const std::string&)> message_;
  std::string windows_only_;  // set: follow the windows, inject nothing (SetWindowsOnly)
  ChaosSetup* setup_;
  plugin::Host* host_;
  Journal* journal_;
  ChaosMetrics* metrics_;
  uint64_t t0_ns_ = 0;
  std::vector<StepState> steps_;
  std::vector<size_t> injected_order_;  // step indexes in order of injection

  mutable std::mutex mu_;  // guards the flags below and the results' reads
  std::condition_variable cv_;
  bool stop_ = false;
  Outcome stop_outcome_ = Outcome::kAborted;
  std::string stop_why_;
  bool finishing_ = false;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace sp::chaos
