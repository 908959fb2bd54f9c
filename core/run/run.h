// The orchestrator: one run of a validated plan, from checking its plugins to the last report.
// It owns time (the schedule, the once-a-second snapshots, the end), steers the load threads,
// and guarantees the order of shutdown: load drained -> summary -> reports -> services stopped,
// also on Ctrl-C/SIGTERM.
//
// A Run holds the run's state as members and has one method per phase (the shape of ninja's
// NinjaMain). The members are declared in the order they are torn down, so a phase that fails
// just returns: the destructor destroys the target, the reporters and the fault instances,
// stops the services, closes the proxies, releases the report folder's lock and unloads the
// plugin libraries, in that order, whatever exists by then.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/chaos/chaos_metrics.h"
#include "core/chaos/chaos_runner.h"
#include "core/chaos/chaos_setup.h"
#include "core/chaos/journal.h"
#include "core/chaos/observer.h"
#include "core/exit_codes.h"
#include "core/plan/plan.h"
#include "core/plugin/host.h"
#include "core/plugin/loader.h"
#include "core/report/console.h"
#include "core/report/redact.h"
#include "core/report/report_bus.h"
#include "core/report/report_folder.h"
#include "core/report/results.h"
#include "core/run/interrupt.h"
#include "core/run/load_model.h"
#include "core/run/load_worker.h"
#include "core/run/schedule.h"
#include "core/run/stage_report.h"
#include "core/run/thread_cpu.h"
#include "core/run/thresholds.h"

namespace sp::run {

struct RunOptions {
  plan::RunMode mode = plan::RunMode::kFull;
  std::string report_dir = ".";            // where reporters' relative paths go
  bool quiet = false;                      // no console summary
  std::vector<std::string> plugin_paths;   // --plugin-path
  std::string version;                     // stressplan's version, for reports
  Segment segment;                         // --segment: the slice of the plan to run (segment.h)
  std::optional<double> start_at_unix_s;   // --start-at: when the load starts (wall clock)
};

// What an in-process test of the orchestrator replaces (tests/core/run/run_test.cc; the clock is
// plugin::SetClock): plugins linked into the test, and the signals.
struct RunSeams {
  // Plugins the plan names, found by name before the search path (plugin::Loader::AddInProcess).
  std::vector<std::pair<std::string, sp_entry_fn>> plugins;
  // false: no signal watcher; the test calls Run::Interrupt instead of sending SIGINT.
  bool watch_signals = true;
};

class Run {
 public:
  Run(const plan::Plan& plan, RunOptions options, RunSeams seams = {});
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // The whole run: the phases below in order. Returns the exit code (core/exit_codes.h).
  int Execute();

  // The phases, in order. The first four return false when the run ends there (exit_code()
  // says how; the destructor undoes what exists).
  bool Check();          // --mode, the plugins, every option, the target created: else exit 2
  bool OpenReports();    // report folder locked, reporters created, chaos journal opened
  bool OpenSites();      // the fault proxies listening
  bool StartServices();  // the plan's services healthy, the target's preflight passed
  bool AwaitStart();     // --start-at: the instant has come (false: interrupted while waiting)
  void StartLoad();      // run_start sent, load threads opened and let go, chaos and observers on
  void Wait();           // stages moved on, a snapshot each second, until every load thread ended
  void Judge();          // faults out, after-probes, thresholds judged: end()
  void Report();         // summary sent, reporters finished
  void Stop();           // torn down in order, console summary, exit code

  // What the count-th SIGINT/SIGTERM does (the watcher's thread calls it; an in-process test
  // may, from any thread, once OpenReports succeeded): drain, then cancel, then exit at once.
  void Interrupt(int count, const char* name);

  int exit_code() const { return exit_code_; }
  const report::RunEnd& end() const { return end_; }  // after Judge

 private:
  struct Live;
  bool Fail(int exit_code);
  bool LeadsChaos() const;
  void BuildTimeline();
  void MakeRoomForDescriptors();
  std::string OpenLoadThreads();
  void JoinLoadThreads();
  void StopChaosIfBroken(bool* reported);
  void OnEvent(const std::string& who, const std::string& name, double value);
  void Collect(uint64_t second, uint64_t now, bool last);
  report::SnapshotData SnapshotOf(uint64_t second, uint64_t now, metrics::Recorder* interval,
                                  std::vector<double>* busy,
                                  std::vector<report::WorkloadSnapshot>* workloads);
  report::WorkloadSnapshot WorkloadAt(size_t workload, uint64_t now) const;
  void SampleStages(uint64_t now, const std::vector<report::WorkloadSnapshot>& workloads,
                    const std::vector<double>& busy);
  void EvaluateWorkloads();
  void JudgeSecond(const metrics::Recorder& interval, double elapsed_s);
  void RefreshNames();
  void EndStatus();
  int ExitCode() const;
  double SecondsSinceStart(uint64_t ns) const { return static_cast<double>(ns - t0_) / 1e9; }

  // What the run was asked. plan_ is the plan after --mode.
  const plan::Plan& input_;
  plan::Plan plan_;
  const RunOptions options_;
  const RunSeams seams_;
  const std::string report_dir_;
  int exit_code_ = kExitPassed;
  std::unique_ptr<report::Redactor> redactor_;
  std::unique_ptr<report::PrivateFiles> private_files_;

  // Gone last: the plugin libraries outlive every object their plugins created.
  plugin::Host host_;
  plugin::Loader loader_;
  report::ReportFolder report_folder_;  // the folder's lock, released when the run is gone
  chaos::ChaosSetup chaos_setup_;  // the proxies, closed after the fault instances and services
  chaos::Journal journal_;
  std::unique_ptr<chaos::ObserverSet> observers_;

  // The timeline and what watches it.
  LoadModel model_;
  std::unique_ptr<Timeline> timeline_;  // the profile's workloads, each on its StageClock
  LoadControl control_;
  int threads_ = 1;
  report::RunInfo info_;
  std::unique_ptr<report::Console> console_;
  std::unique_ptr<report::ReportBus> bus_;  // finished in Report; outlives the reporters it fed
  std::unique_ptr<chaos::ChaosMetrics> chaos_metrics_;
  std::unique_ptr<chaos::ChaosRunner> runner_;
  std::unique_ptr<InterruptWatcher> watcher_;  // joined before what Interrupt uses
  std::atomic<int> signals_{0};
  std::atomic<bool> first_signal_sigint_{false};

  // What the seconds add up to.
  uint64_t t0_ = 0;
  uint64_t t_end_ = 0;
  uint64_t second_ = 0;
  std::mutex events_mu_;  // emitted_events_: plugins emit from any thread
  std::map<std::string, uint64_t> emitted_events_;
  std::map<std::string, uint64_t> events_at_end_;  // a copy taken once in Judge
  std::atomic<uint64_t> t0_for_events_{0};
  std::vector<BusyMeter> cpu_;
  std::optional<ProcessCpu> process_cpu_;
  std::vector<std::unique_ptr<StageTracker>> trackers_;  // one per workload
  std::unique_ptr<ThresholdEvaluator> thresholds_;
  const plan::Threshold* aborted_by_ = nullptr;
  std::unique_ptr<metrics::Recorder> total_;
  std::vector<std::string> names_;  // interned event/check names by id
  std::string open_failure_;        // a load thread that could not open or broke
  report::RunEnd end_;
  std::vector<std::string> bus_errors_;
  std::vector<std::string> services_killed_;  // a warning per service SIGKILLed at the end

  // What exists while the run goes, torn down first (Stop, or the destructor): see run.cc.
  std::unique_ptr<Live> live_;
};

// Builds a Run and runs its phases. Returns an exit code (core/exit_codes.h).
int RunPlan(const plan::Plan& plan, const RunOptions& options);

// Loads the plugins the plan names and checks their options (and lets the target compile its
// requests); prints located errors. Returns kExitPassed or kExitUsage (core/exit_codes.h).
int ValidatePlugins(const plan::Plan& plan, const std::vector<std::string>& plugin_paths);

}  // namespace sp::run
