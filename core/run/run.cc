#include "core/run/run.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "core/chaos/chaos_report.h"
#include "core/chaos/probe.h"
#include "core/plan/profiles.h"
#include "core/plugin/reporter_instance.h"
#include "core/plugin/target_instance.h"
#include "core/report/documents.h"
#include "core/run/fd_table.h"
#include "core/run/plugin_setup.h"
#include "core/run/run_mode.h"
#include "core/run/start_at.h"
#include "core/services/service_control.h"
#include "core/services/service_set.h"

namespace sp::run {

using chaos::ChaosMetrics;
using chaos::ChaosRunner;
using chaos::ChaosSetup;
using chaos::Journal;
using chaos::ObserverSet;
using chaos::RunEndValues;
using report::EventDocument;
using report::Console;
using report::PrivateFiles;
using report::Redactor;
using report::ReportBus;
using report::ReportFolder;
using report::RunEnd;
using report::Outcome;
using report::RunInfo;
using report::RunStatus;
using report::SecretValues;
using report::SnapshotData;
using services::ServiceControl;

namespace {

// Every line the run prints on stderr goes through the plan's secrets (docs/plan.md,
// "Secrets"): a plugin's option error, a service's log tail, a preflight failure may hold one.
void Say(const Redactor& redactor, const std::string& line) {
  std::fprintf(stderr, "%s\n", redactor.Text(line).c_str());
}

void PrintDiagnostics(const plan::Diagnostics& errors, const Redactor& redactor) {
  for (const auto& d : errors) Say(redactor, d.str());
}

std::string IsoNow() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

int LoadThreads(const plan::Plan& plan, int max_users) {
  int n = plan.workers > 0 ? plan.workers : static_cast<int>(std::thread::hardware_concurrency());
  n = std::max(1, n);
  return std::max(1, std::min(n, std::max(1, max_users)));
}

// Every check a plugin can make without side effects (ABI 1.2 check_options), after the plan's
// plugin blocks were resolved: the target and its request steps, each proxy site and chaos
// step, each reporter. Shared by `validate` and `run`, so what one accepts the other does.
bool CheckPluginOptions(const plan::Plan& plan, plugin::Host* host, const TargetSetup& target,
                        const ChaosSetup& chaos, const std::vector<Reporter>& reporters,
                        plan::Diagnostics* errors) {
  std::vector<std::string> services;
  for (const plan::Service& s : plan.services) services.push_back(s.name);
  host->SetDeclaredServices(std::move(services));  // what a fault's check may ask (ABI 1.3)
  bool ok = CheckTarget(plan, host, target, errors);
  ok &= chaos.CheckOptions(host, errors);
  ok &= CheckReporters(host, reporters, errors);
  return ok;
}

// Runs `undo` when it goes: one step of the teardown, at its place in a member list.
class OnTeardown {
 public:
  explicit OnTeardown(std::function<void()> undo) : undo_(std::move(undo)) {}
  ~OnTeardown() { undo_(); }
  OnTeardown(const OnTeardown&) = delete;
  OnTeardown& operator=(const OnTeardown&) = delete;

 private:
  std::function<void()> undo_;
};

}  // namespace

int ValidatePlugins(const plan::Plan& plan, const std::vector<std::string>& plugin_paths) {
  const Redactor redactor(SecretValues(plan));
  plugin::Host host;
  plugin::Loader loader(&host);
  loader.SetSearchPath(plugin::SearchPath(plugin_paths, plan.plugin_paths));
  plan::Diagnostics errors;
  TargetSetup target;
  ChaosSetup chaos;
  std::vector<Reporter> reporters;
  // Validation writes nothing: reporters resolve their paths against a scratch folder.
  bool ok = PrepareTarget(plan, &loader, &target, &errors);
  ok &= chaos.Prepare(plan, &loader, /*with_steps=*/true, &errors);
  ok &= PrepareReporters(plan, &loader, std::filesystem::temp_directory_path().string(), &reporters, &errors);
  if (ok && CheckPluginOptions(plan, &host, target, chaos, reporters, &errors)) {
    // A 1.1 target or reporter has no check_options: its create is the check, as before 1.2.
    if (!plugin::TargetInstance::HasCheck(*target.plugin))
      CreateTarget(plan, &host, &target, &errors);
    std::erase_if(reporters,
                  [](const Reporter& r) { return plugin::ReporterInstance::HasCheck(*r.plugin); });
    CreateReporters(&host, &reporters, &errors);
    reporters.clear();
  }
  if (!errors.empty()) {
    PrintDiagnostics(errors, redactor);
    return kExitUsage;
  }
  return kExitPassed;
}

// What exists while the run goes. Torn down by Stop (or by ~Run on an early return) in reverse
// order of these declarations: the load threads' workers, the host's sinks, the target, the
// reporters, the fault instances, the services. The proxies close after it (Run::chaos_setup_).
struct Run::Live {
  // `killed` receives a warning for each service that had to be SIGKILLed when they stop.
  Live(const std::string& report_dir, std::vector<std::string>* killed)
      : services(std::filesystem::path(report_dir) / "services"), service_control(&services),
        services_stop([this, killed] { *killed = services.StopAll(); }) {}

  services::ServiceSet services;
  ServiceControl service_control;             // restarts asked for by fault plugins
  OnTeardown services_stop;                   // SIGTERM, SIGKILL after stop_timeout
  std::optional<OnTeardown> fault_instances;  // the chaos runner's, destroyed before services stop
  std::vector<Reporter> reporters;            // destroyed after the target
  TargetSetup target;                         // destroyed after its workers closed
  std::optional<OnTeardown> host_sinks;       // events and service control detached from the host
  std::vector<std::unique_ptr<LoadWorker>> workers;
  std::vector<std::string> open_errors;  // one per load thread, set before `opened` counts
  std::optional<std::latch> opened;      // every load thread tried to open its target worker
  std::vector<std::thread> threads;      // the load threads, joined by `joiner`
  std::thread joiner;                    // joined in Wait
  std::atomic<bool> finished{false};     // every load thread has ended
};

Run::Run(const plan::Plan& plan, RunOptions options, RunSeams seams)
    : input_(plan), plan_(plan), options_(std::move(options)), seams_(std::move(seams)),
      report_dir_(std::filesystem::absolute(options_.report_dir).string()), loader_(&host_) {
  for (const auto& [name, entry] : seams_.plugins) loader_.AddInProcess(name, entry);
}

Run::~Run() = default;

int Run::Execute() {
  if (!Check() || !OpenReports() || !OpenSites() || !StartServices() || !AwaitStart())
    return exit_code_;
  StartLoad();
  Wait();
  Judge();
  Report();
  Stop();
  return exit_code_;
}

bool Run::Fail(int exit_code) {
  exit_code_ = exit_code;
  return false;
}

bool Run::Check() {
  plan::Diagnostics errors;
  if (!ApplyMode(options_.mode, &plan_, &errors)) {
    PrintDiagnostics(errors, Redactor(SecretValues(input_)));
    return Fail(kExitUsage);
  }
  // Signals first: every thread started from here on inherits the blocked mask.
  InterruptWatcher::BlockSignals();
  // Secrets: kept out of reports, console, logs and journal; the files the run writes are
  // the user's alone (docs/plan.md, "Secrets").
  redactor_ = std::make_unique<Redactor>(SecretValues(plan_));
  private_files_ = std::make_unique<PrivateFiles>(!plan_.secrets.empty());
  host_.SetLogRedaction([this](std::string line) { return redactor_->Text(std::move(line)); });
  host_.SetSegment(options_.segment.index, options_.segment.count);  // ABI 1.5, before any create
  loader_.SetSearchPath(plugin::SearchPath(options_.plugin_paths, plan_.plugin_paths));
  live_ = std::make_unique<Live>(report_dir_, &services_killed_);
  bus_ = std::make_unique<ReportBus>(&live_->reporters, redactor_.get());
  // Everything that needs no running service is checked first, in this order, so that a
  // mistake exits 2 before any folder, proxy, service, journal or fault exists: the plan's
  // plugin blocks, every plugin's check_options, the target's create.
  bool ok = PrepareTarget(plan_, &loader_, &live_->target, &errors);
  ok &= chaos_setup_.Prepare(plan_, &loader_, /*with_steps=*/true, &errors);
  ok &= PrepareReporters(plan_, &loader_, report_dir_, &live_->reporters, &errors);
  if (!ok ||
      !CheckPluginOptions(plan_, &host_, live_->target, chaos_setup_, live_->reporters, &errors) ||
      !CreateTarget(plan_, &host_, &live_->target, &errors)) {
    PrintDiagnostics(errors, *redactor_);
    return Fail(kExitUsage);
  }
  return true;
}

bool Run::OpenReports() {
  // The report folder, before the load rather than after it: writable, and this run's alone.
  std::string err;
  if (!report_folder_.Open(report_dir_, &err)) {
    Say(*redactor_, "stressplan: " + err);
    return Fail(kExitRuntime);
  }
  plan::Diagnostics errors;
  if (!CreateReporters(&host_, &live_->reporters, &errors)) {
    PrintDiagnostics(errors, *redactor_);
    return Fail(kExitUsage);
  }
  observers_ = std::make_unique<ObserverSet>(
      LeadsChaos() ? plan_.observers : std::vector<plan::Observer>{},
      [](const std::string& url, double timeout_s, std::string* body, std::string* why) {
        return chaos::HttpGetText(url, timeout_s, body, why);
      });
  if (!plan_.secrets.empty()) journal_.SetSecrets(redactor_.get());
  const std::string journal_file =
      (std::filesystem::path(report_dir_) / "chaos-journal.jsonl").string();
  if (LeadsChaos() && !plan_.chaos.steps.empty() &&
      !journal_.Open(journal_file, plan_.file, IsoNow(), &err)) {
    Say(*redactor_, "stressplan: " + err);
    return Fail(kExitRuntime);
  }
  BuildTimeline();
  return true;
}

// The pieces of the timeline, before anything runs: the stages, the chaos thread, the
// console, the signal watcher, and the host's way to the services.
void Run::BuildTimeline() {
  model_ = LoadModel::FromPlan(plan_);
  timeline_ = std::make_unique<Timeline>(plan::WorkloadsOf(plan_.profiles.at(plan_.profile)),
                                         options_.segment);
  threads_ = LoadThreads(plan_, timeline_->total_slots());
  control_.grace_ns = static_cast<uint64_t>(plan_.grace.count());
  chaos_metrics_ = std::make_unique<ChaosMetrics>(
      plan_, observers_.get(),
      [this](const plan::Threshold& t, const metrics::Recorder& window, double seconds,
             const std::vector<std::string>& names) {
        return JudgeOnce(t, model_, window, seconds, names);
      });
  runner_ =
      std::make_unique<ChaosRunner>(plan_, &chaos_setup_, &host_, &journal_, chaos_metrics_.get());
  live_->fault_instances.emplace([this] { runner_->DestroyInstances(); });
  if (!LeadsChaos()) {
    runner_->SetWindowsOnly("segment " + std::to_string(options_.segment.index) + "/" +
                            std::to_string(options_.segment.count) +
                            ": the fault is segment 0's to inject; this report counts this "
                            "segment's load during its planned window");
  }
  // started_at is set when the load starts.
  info_ = RunInfo{&plan_,
                  model_.step_names,
                  timeline_->stage_count(),
                  timeline_->planned_total_ns(),
                  options_.mode,
                  "",
                  options_.version,
                  threads_,
                  {options_.segment.index, options_.segment.count, options_.start_at_unix_s, 0}};
  // Messages while the run goes (signals, aborts, plugins' logs) go through the console, which
  // keeps them off its live line.
  console_ = std::make_unique<Console>(options_.quiet, info_);
  console_->SetRedactor(redactor_.get());
  host_.SetLogSink([this](sp_log_level, const std::string& line) { console_->Message(line); });
  runner_->SetMessageSink([this](const std::string& line) { console_->Message(line); });
  if (seams_.watch_signals) {
    watcher_ = std::make_unique<InterruptWatcher>(
        [this](int count, const char* name) { Interrupt(count, name); });
  }
  ServiceControl* services = &live_->service_control;
  host_.SetServiceControl({[services](const std::string& name) { return services->Pid(name); },
                           [services](const std::string& name, std::string* why) {
                             return services->Restart(name, why);
                           }});
  live_->host_sinks.emplace([this] {
    host_.SetEventSink(nullptr);
    host_.SetServiceControl({});
  });
}

void Run::Interrupt(int count, const char* name) {
  if (count == 1) first_signal_sigint_.store(std::string(name) == "SIGINT");
  signals_.store(count);
  if (count >= 3) {
    // The way out when something hangs past its bound (a plugin's revert, a service's
    // restart): no reports; services die with us (parent-death signal), proxies with the
    // process, and faults that outlive it are in the journal.
    console_->Message(
        std::string("stressplan: ") + name +
        " received a third time: exiting now; reports are not "
        "written" +
        (journal_.is_open()
             ? "; undo what is left with `stressplan recover --journal " + journal_.path() + "`"
             : std::string()));
    std::_Exit(kExitInterrupted);
  }
  console_->Message(
      std::string("stressplan: ") + name + " received: " +
      (count == 1 ? "stopping the load, reverting faults, draining requests in flight, writing "
                    "reports (again to interrupt requests in flight)"
                  : "interrupting requests in flight (a third time exits at once)"));
  control_.mode.store(count == 1 ? LoadControl::kDrain : LoadControl::kCancel);
  runner_->Stop(Outcome::kInterrupted, name);
}

// Segment 0 of a segmented run (and an unsegmented one) owns what is global to the system under
// test: the services, the fault proxies, the observers and the faults (docs/distributed.md).
bool Run::LeadsChaos() const { return options_.segment.index == 0; }

bool Run::OpenSites() {
  if (!LeadsChaos()) return true;
  plan::Diagnostics errors;
  if (chaos_setup_.OpenSites(&host_, &errors)) return true;
  PrintDiagnostics(errors, *redactor_);
  return Fail(kExitRuntime);
}

bool Run::StartServices() {
  const std::vector<plan::Service> none;
  const std::vector<plan::Service>& services = LeadsChaos() ? plan_.services : none;
  if (!services.empty() && !options_.quiet) {
    std::fprintf(stderr, "stressplan: starting %zu service(s)\n", services.size());
  }
  std::string err;
  if (!live_->services.Start(services, &err)) {
    Say(*redactor_, "stressplan: " + err);
    return Fail(kExitRuntime);
  }
  if (signals_.load() > 0) return Fail(kExitInterrupted);
  plugin::PluginError e;
  if (!live_->target.instance.Preflight(&e)) {
    Say(*redactor_, "stressplan: target not reachable before the run (" + plan_.target.loc.str() +
                        "): " + e.MessageOr("no reason given"));
    return Fail(kExitRuntime);
  }
  return true;
}

// --start-at: the load begins at that wall-clock instant, on every generator. Ctrl-C while
// waiting ends the run as during StartServices: nothing was sent to the reporters yet.
bool Run::AwaitStart() {
  if (!options_.start_at_unix_s) return true;
  const double at = *options_.start_at_unix_s;
  const double ahead = at - WallClockNow();
  char line[160];
  if (ahead < -1.0) {
    std::snprintf(line, sizeof line,
                  "stressplan: warning: --start-at was %.1f s ago when the load could start: "
                  "starting now (start.skew_ms in the report)",
                  -ahead);
    Say(*redactor_, line);
  } else if (ahead > 0 && !options_.quiet) {
    std::snprintf(line, sizeof line, "stressplan: waiting %.1f s to start the load (--start-at)",
                  ahead);
    Say(*redactor_, line);
  }
  for (;;) {
    if (signals_.load() > 0) return Fail(kExitInterrupted);
    const double left = at - WallClockNow();
    if (left <= 0) return true;
    std::this_thread::sleep_for(std::chrono::duration<double>(std::min(left, 0.05)));
  }
}

void Run::StartLoad() {
  info_.started_at = IsoNow();
  info_.started_unix_ms =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  host_.SetEventSink([this](const std::string& who, const std::string& name, double value) {
    OnEvent(who, name, value);
  });
  bus_->Start();
  bus_->Post(SP_DOC_RUN_START, RunStartDocument(info_));
  MakeRoomForDescriptors();
  const std::string open_failure = OpenLoadThreads();
  cpu_.resize(live_->workers.size());
  process_cpu_.emplace();
  t0_ = plugin::NowNs();
  info_.segment_start.actual_unix_s = WallClockNow();
  timeline_->Start(t0_);
  t0_for_events_.store(t0_);
  if (!open_failure.empty()) {
    open_failure_ = open_failure;
    control_.mode.store(LoadControl::kCancel);
    runner_->Stop(Outcome::kAborted, "a load thread could not start");
  }
  control_.go.store(true, std::memory_order_release);
  observers_->Start(t0_);
  runner_->Start(t0_);
  for (size_t w = 0; w < timeline_->size(); ++w) {
    trackers_.push_back(std::make_unique<StageTracker>(
        timeline_->clock(w), model_.workloads[w].first_stage, model_.workloads[w].name));
  }
  thresholds_ = std::make_unique<ThresholdEvaluator>(plan_.thresholds, model_);
  total_ = std::make_unique<metrics::Recorder>(model_.step_names.size(), timeline_->stage_count());
}

void Run::OnEvent(const std::string& who, const std::string& name, double value) {
  {
    std::lock_guard<std::mutex> lock(events_mu_);
    ++emitted_events_[name];
  }
  const uint64_t t0 = t0_for_events_.load();
  const double elapsed = t0 ? static_cast<double>(plugin::NowNs() - t0) / 1e9 : 0.0;
  bus_->Post(SP_DOC_EVENT, EventDocument(elapsed, who, name, value));
}

// Before the clock starts: the open-files limit and the descriptor table made large enough for
// every user's connection and the proxies' (fd_table.h), so neither fails nor stalls the load.
void Run::MakeRoomForDescriptors() {
  const size_t sites = LeadsChaos() ? chaos_setup_.sites().size() : 0;  // opened by OpenSites
  const size_t wanted = LoadDescriptors(static_cast<size_t>(timeline_->total_slots()), sites);
  const OpenFilesLimit limit = RaiseOpenFilesLimit(wanted);
  if (limit.after > limit.before && !options_.quiet) {
    std::fprintf(stderr,
                 "stressplan: open-files limit (ulimit -n) raised from %zu to %zu for the load\n",
                 limit.before, limit.after);
  }
  GrowDescriptorTable(wanted);
}

// Load threads: each opens its target worker on its own thread, then waits for "go". Returns
// the error of a thread that could not open its worker ("" when all could).
std::string Run::OpenLoadThreads() {
  live_->open_errors.assign(threads_, "");
  live_->opened.emplace(threads_);
  for (int i = 0; i < threads_; ++i) {
    live_->workers.push_back(std::make_unique<LoadWorker>(i, threads_, model_, timeline_.get(),
                                                          live_->target.instance, &control_));
  }
  for (int i = 0; i < threads_; ++i) {
    live_->threads.emplace_back([this, i] {
      live_->workers[i]->Run([this, i](const std::string& e) {
        live_->open_errors[i] = e;
        live_->opened->count_down();
      });
    });
  }
  live_->opened->wait();
  std::string failure;
  for (const auto& e : live_->open_errors) {
    if (!e.empty()) failure = e;
  }
  return failure;
}

void Run::JoinLoadThreads() {
  for (auto& t : live_->threads) t.join();
  live_->finished.store(true);
}

void Run::StopChaosIfBroken(bool* reported) {
  if (*reported) return;
  if (std::none_of(live_->workers.begin(), live_->workers.end(),
                   [](const auto& w) { return w->broken(); }))
    return;
  // The run is going down: no more faults, and those in come out now.
  *reported = true;
  runner_->Stop(Outcome::kAborted, "a load thread broke");
}

// The timeline: the orchestrator moves the stages on (a stage with `iterations` ends when they
// are done) and takes a snapshot at every whole second, until every load thread has finished.
void Run::Wait() {
  live_->joiner = std::thread([this] { JoinLoadThreads(); });
  // Load threads publish what they recorded at each whole second (within their 5 ms poll
  // bound); the snapshot is taken a little after, so each second gets exactly its own.
  constexpr uint64_t kCollectDelayNs = 25'000'000;
  bool broken_reported = false;
  while (!live_->finished.load()) {
    live_->service_control.Pump();
    StopChaosIfBroken(&broken_reported);
    const uint64_t now = plugin::NowNs();
    timeline_->Advance(now);
    const uint64_t next = t0_ + (second_ + 1) * 1'000'000'000ull + kCollectDelayNs;
    if (now >= next) {
      ++second_;
      Collect(second_, now, false);
      continue;
    }
    plugin::SleepNs(std::min<uint64_t>(next - now, 2'000'000));
  }
  live_->joiner.join();
  // A thread that broke and ended between two turns of the loop: the chaos thread is told too.
  StopChaosIfBroken(&broken_reported);
  t_end_ = plugin::NowNs();
  // What the threads published after the last whole second.
  timeline_->Advance(t_end_);
  Collect(second_ + 1, t_end_, true);
}

// One second of the run (`last`: the part-second after the load threads finished - counted,
// not judged): merged, judged, fed to the stage tracker and the chaos measures, sent as a
// snapshot and shown.
void Run::Collect(uint64_t second, uint64_t now, bool last) {
  metrics::Recorder interval(model_.step_names.size(), timeline_->stage_count());
  std::vector<double> busy;
  std::vector<report::WorkloadSnapshot> workloads;
  SnapshotData s = SnapshotOf(second, now, &interval, &busy, &workloads);
  RefreshNames();
  if (!last) JudgeSecond(interval, s.elapsed_s);
  if (!last) SampleStages(now, workloads, busy);
  const double start_s = static_cast<double>(second - 1);
  chaos_metrics_->OnSecond(start_s, std::clamp(s.elapsed_s, start_s, start_s + 1.0), interval,
                           names_);
  s.active_chaos = runner_->Active();
  s.circuit_open = chaos_metrics_->breaker_open();
  bus_->Post(SP_DOC_SNAPSHOT, SnapshotDocument(s, interval, names_, model_.step_names));
  console_->Tick(s, interval, *total_);
}

// Each running workload's stage tracker gets the second: planned and active users, and how
// busy the load threads were.
void Run::SampleStages(uint64_t now, const std::vector<report::WorkloadSnapshot>& workloads,
                       const std::vector<double>& busy) {
  for (size_t w = 0; w < timeline_->size(); ++w) {
    const StageClock& clock = timeline_->clock(w);
    if (!workloads[w].started || clock.current() >= clock.count()) continue;
    const uint64_t start = clock.start_ns(clock.current());
    const double in_stage_s = now > start ? static_cast<double>(now - start) / 1e9 : 0.0;
    trackers_[w]->Sample(clock.current(), in_stage_s, workloads[w].planned_users,
                         workloads[w].active_users, busy);
  }
}

// What the load threads published since the last second, merged into *interval (and the
// run's total), with each thread's busy share and each workload's users or rate at `now`
// (*workloads); the snapshot adds them up over the workloads running.
SnapshotData Run::SnapshotOf(uint64_t second, uint64_t now, metrics::Recorder* interval,
                             std::vector<double>* busy,
                             std::vector<report::WorkloadSnapshot>* workloads) {
  SnapshotData s;
  for (size_t i = 0; i < live_->workers.size(); ++i) {
    LoadWorker& w = *live_->workers[i];
    interval->Merge(w.TakeRecorded());
    s.in_flight += w.in_flight();
  }
  total_->Merge(*interval);
  for (size_t i = 0; i < live_->workers.size(); ++i) {
    const LoadWorker& w = *live_->workers[i];
    busy->push_back(cpu_[i].Update(w.cpu_ns(), w.cpu_read_at_ns()));
  }
  s.second = second;
  s.elapsed_s = SecondsSinceStart(now);
  for (size_t w = 0; w < timeline_->size(); ++w) workloads->push_back(WorkloadAt(w, now));
  if (workloads->size() == 1 && workloads->front().name.empty()) {  // a `stages:` profile, as it is
    const report::WorkloadSnapshot& one = workloads->front();
    s.stage = one.stage;
    s.planned_users = one.planned_users;
    s.planned_rate = one.planned_rate;
    s.active_users = one.active_users;
    return s;
  }
  bool first = true;
  for (const report::WorkloadSnapshot& ws : *workloads) {
    s.active_users += ws.active_users;
    if (!ws.started || ws.over) continue;
    if (first) s.stage = ws.stage;
    first = false;
    s.planned_users += ws.planned_users;
    s.planned_rate += ws.planned_rate;
  }
  s.workloads = *workloads;
  return s;
}

// Workload w at `now`: its stage, its active users, and the users or rate its plan wants.
report::WorkloadSnapshot Run::WorkloadAt(size_t w, uint64_t now) const {
  const StageClock& clock = timeline_->clock(w);
  report::WorkloadSnapshot ws;
  ws.name = model_.workloads[w].name;
  ws.started = now >= clock.start_ns(0);
  ws.over = clock.current() >= clock.count();
  const size_t k = std::min(clock.current(), clock.count() - 1);
  ws.stage = model_.workloads[w].first_stage + k;
  for (const auto& worker : live_->workers) ws.active_users += worker->active_users(w);
  if (!ws.started) return ws;
  const plan::Stage& st = clock.stages()[k];
  const uint64_t in_stage = now > clock.start_ns(k) ? now - clock.start_ns(k) : 0;
  if (st.open()) {
    const double sec = static_cast<double>(in_stage) / 1e9;
    const double d = static_cast<double>(st.duration.count()) / 1e9;
    // This segment's part of the plan's rate (the whole of it unsegmented).
    ws.planned_rate =
        (*st.rate + (st.ramp_to.value_or(*st.rate) - *st.rate) * std::min(1.0, sec / d)) /
        clock.segment().count;
  } else {
    // Judged 20 ms back: the load threads apply a spawn-rate step within 5 ms of it.
    ws.planned_users = clock.UsersAt(k, in_stage > 20'000'000 ? in_stage - 20'000'000 : 0);
  }
  return ws;
}

void Run::RefreshNames() {
  names_.resize(host_.interner().size());
  for (size_t i = 0; i < names_.size(); ++i)
    names_[i] = host_.interner().Name(static_cast<uint32_t>(i));
}

// The thresholds over this second; the first abort_on_fail one that fails drains the load
// like Ctrl-C does.
void Run::JudgeSecond(const metrics::Recorder& interval, double elapsed_s) {
  const plan::Threshold* failed = nullptr;
  {
    std::lock_guard<std::mutex> lock(events_mu_);
    failed = thresholds_->OnSecond(interval, *total_, elapsed_s, names_, emitted_events_);
  }
  if (failed == nullptr || aborted_by_ != nullptr) return;
  aborted_by_ = failed;
  console_->Message("stressplan: threshold \"" + failed->text + "\" (" + failed->loc.str() +
                    ") failed: stopping the run (abort_on_fail)");
  control_.mode.store(LoadControl::kDrain);
  runner_->Stop(Outcome::kAborted, "threshold \"" + failed->text + "\" failed (abort_on_fail)");
}

void Run::Judge() {
  // Faults still in come out now (the load is over); after-probes still due run.
  runner_->Finish([this] { live_->service_control.Pump(); });
  live_->service_control.Close();
  observers_->Stop(SecondsSinceStart(t_end_));
  chaos_metrics_->Finish(SecondsSinceStart(t_end_));
  end_.duration_s = SecondsSinceStart(t_end_);
  EndStatus();
  end_.reporter_documents_dropped = bus_->dropped();
  EvaluateWorkloads();
  end_.process_cpu_s = process_cpu_->Seconds();
  end_.chaos = ChaosReportOf(plan_, *runner_, *chaos_metrics_, *observers_);
  if (!runner_->empty() && journal_.is_open() && !options_.quiet) {
    console_->Message("stressplan: chaos journal: " + journal_.path());
  }
  thresholds_->SetRunEndValues(RunEndValues(end_.chaos));
  {
    // The events counted at the end: the verdicts and the summary read the same counts.
    std::lock_guard<std::mutex> lock(events_mu_);
    events_at_end_ = emitted_events_;
  }
  end_.thresholds = thresholds_->Final(*total_, end_.duration_s, names_, events_at_end_);
}

// Each workload's stages, planned versus achieved, and (a profile with `workloads:`) what
// each workload did, for the summary and for its scoped thresholds.
void Run::EvaluateWorkloads() {
  std::vector<double> seconds;
  for (size_t w = 0; w < timeline_->size(); ++w) {
    const WorkloadModel& wm = model_.workloads[w];
    report::WorkloadResult r;
    r.name = wm.name;
    r.start_s = static_cast<double>(timeline_->offset_ns(w)) / 1e9;
    for (StageResult& st : trackers_[w]->Evaluate(*total_, t0_, t_end_)) {
      r.stages.push_back(st.index);
      r.duration_s += st.duration_s;
      end_.stages.push_back(std::move(st));
    }
    for (uint32_t k = wm.first_stage;
         k < wm.first_stage + wm.stage_count && k < total_->stages().size(); ++k) {
      r.stats.Merge(total_->stages()[k]);
    }
    seconds.push_back(r.duration_s);
    if (!wm.name.empty()) end_.workloads.push_back(std::move(r));
  }
  thresholds_->SetWorkloadSeconds(std::move(seconds));
}

// Why the run ended, when it did not end as planned: a load thread first, then abort_on_fail,
// then a signal.
void Run::EndStatus() {
  for (const auto& w : live_->workers) {
    if (!w->failure().empty()) open_failure_ = w->failure();
  }
  if (!open_failure_.empty()) {
    end_.status = RunStatus::kAborted;
    end_.reason = open_failure_;
  } else if (aborted_by_ != nullptr) {
    end_.status = RunStatus::kAborted;
    end_.reason = "threshold \"" + aborted_by_->text + "\" failed (abort_on_fail)";
  } else if (signals_.load() > 0) {
    end_.status = RunStatus::kInterrupted;
    end_.reason = first_signal_sigint_.load() ? "SIGINT" : "SIGTERM";
  }
}

void Run::Report() {
  bus_->Post(SP_DOC_SUMMARY, SummaryDocument(info_, end_, *total_, names_, events_at_end_));
  bus_->Finish();
  bus_errors_ = bus_->errors();
}

void Run::Stop() {
  live_.reset();  // workers, target, reporters, fault instances, services: Live's order
  for (const std::string& w : services_killed_) Say(*redactor_, "stressplan: warning: " + w);
  chaos_setup_.CloseSites();
  console_->Summary(end_, *total_, names_);
  exit_code_ = ExitCode();
}

// The exit code, saying on stderr what made the run fail when that was not the plan's verdict.
int Run::ExitCode() const {
  int code = kExitPassed;
  for (const auto& e : bus_errors_) {
    Say(*redactor_, "stressplan: " + e);
    code = kExitRuntime;
  }
  if (!open_failure_.empty()) {
    Say(*redactor_, "stressplan: " + open_failure_);
    code = kExitRuntime;
  }
  if (code == kExitPassed && signals_.load() > 0) code = kExitInterrupted;
  if (code == kExitPassed && (!end_.thresholds_passed() || !end_.chaos.experiments_passed()))
    code = kExitFailed;
  if (code == kExitPassed && !end_.trustworthy()) code = kExitUntrustworthy;
  return code;
}

int RunPlan(const plan::Plan& plan, const RunOptions& options) {
  Run run(plan, options);
  return run.Execute();
}

}  // namespace sp::run
