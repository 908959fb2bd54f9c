#include "core/run/run.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "core/chaos/chaos_metrics.h"
#include "core/chaos/chaos_report.h"
#include "core/chaos/chaos_runner.h"
#include "core/chaos/chaos_setup.h"
#include "core/chaos/journal.h"
#include "core/chaos/observer.h"
#include "core/chaos/probe.h"
#include "core/exit_codes.h"
#include "core/plugin/host.h"
#include "core/plugin/loader.h"
#include "core/report/console.h"
#include "core/report/documents.h"
#include "core/report/redact.h"
#include "core/report/report_bus.h"
#include "core/report/report_folder.h"
#include "core/run/interrupt.h"
#include "core/run/load_model.h"
#include "core/run/load_worker.h"
#include "core/run/plugin_setup.h"
#include "core/run/run_mode.h"
#include "core/run/schedule.h"
#include "core/run/stage_report.h"
#include "core/run/thread_cpu.h"
#include "core/run/thresholds.h"
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
    if (target.plugin->d.target.check_options == nullptr) CreateTarget(plan, &host, &target, &errors);
    std::erase_if(reporters, [](const Reporter& r) { return r.plugin->d.reporter.check_options != nullptr; });
    CreateReporters(&host, &reporters, &errors);
    DestroyReporters(&reporters);
  }
  if (!errors.empty()) {
    PrintDiagnostics(errors, redactor);
    return kExitUsage;
  }
  return kExitPassed;
}

int RunPlan(const plan::Plan& input, const RunOptions& options) {
  plan::Plan effective = input;
  const plan::Plan& plan = effective;
  {
    plan::Diagnostics mode_errors;
    if (!ApplyMode(options.mode, &effective, &mode_errors)) {
      PrintDiagnostics(mode_errors, Redactor(SecretValues(input)));
      return kExitUsage;
    }
  }
  // Signals first: every thread started from here on inherits the blocked mask.
  InterruptWatcher::BlockSignals();
  // Secrets: kept out of reports, console, logs and journal; the files the run writes are
  // the user's alone (docs/plan.md, "Secrets").
  const Redactor redactor(SecretValues(plan));
  const PrivateFiles private_files(!plan.secrets.empty());

  plugin::Host host;
  host.SetLogRedaction([&](std::string line) { return redactor.Text(std::move(line)); });
  plugin::Loader loader(&host);
  loader.SetSearchPath(plugin::SearchPath(options.plugin_paths, plan.plugin_paths));
  // Everything that needs no running service is checked first, in this order, so that a
  // mistake exits 2 before any folder, proxy, service, journal or fault exists: the plan's
  // plugin blocks, every plugin's check_options, the target's create.
  plan::Diagnostics errors;
  auto target = std::make_unique<TargetSetup>();
  ChaosSetup chaos_setup;
  std::vector<Reporter> reporters;
  const std::string report_dir = std::filesystem::absolute(options.report_dir).string();
  bool ok = PrepareTarget(plan, &loader, target.get(), &errors);
  ok &= chaos_setup.Prepare(plan, &loader, /*with_steps=*/true, &errors);
  ok &= PrepareReporters(plan, &loader, report_dir, &reporters, &errors);
  if (!ok || !CheckPluginOptions(plan, &host, *target, chaos_setup, reporters, &errors) ||
      !CreateTarget(plan, &host, target.get(), &errors)) {
    PrintDiagnostics(errors, redactor);
    return kExitUsage;
  }
  // The report folder, before the load rather than after it: writable, and this run's alone.
  ReportFolder report_folder;
  {
    std::string err;
    if (!report_folder.Open(report_dir, &err)) {
      Say(redactor, "stressplan: " + err);
      return kExitRuntime;
    }
  }
  if (!CreateReporters(&host, &reporters, &errors)) {
    DestroyReporters(&reporters);
    PrintDiagnostics(errors, redactor);
    return kExitUsage;
  }
  ObserverSet observers(plan.observers, [](const std::string& url, double timeout_s, std::string* body,
                                           std::string* err) { return chaos::HttpGetText(url, timeout_s, body, err); });
  Journal journal;
  if (!plan.secrets.empty()) journal.SetSecrets(&redactor);
  if (!plan.chaos.steps.empty()) {
    std::string err;
    if (!journal.Open((std::filesystem::path(report_dir) / "chaos-journal.jsonl").string(), plan.file, IsoNow(), &err)) {
      DestroyReporters(&reporters);
      Say(redactor, "stressplan: " + err);
      return kExitRuntime;
    }
  }

  LoadModel model = LoadModel::FromPlan(plan);
  StageClock clock(plan.profiles.at(plan.profile).stages);
  const int threads = LoadThreads(plan, clock.MaxSlots());
  LoadControl control;
  control.grace_ns = static_cast<uint64_t>(plan.grace.count());

  std::mutex events_mu;
  std::map<std::string, uint64_t> emitted_events;
  std::atomic<uint64_t> t0_for_events{0};
  ReportBus bus(&reporters, &redactor);
  ChaosMetrics chaos_metrics(plan, &observers,
                             [&model](const plan::Threshold& t, const metrics::Recorder& window, double seconds,
                                      const std::vector<std::string>& names) {
                               return JudgeOnce(t, model, window, seconds, names);
                             });
  auto runner = std::make_unique<ChaosRunner>(plan, &chaos_setup, &host, &journal, &chaos_metrics);

  // Messages while the run goes (signals, aborts, plugins' logs) go through the console, which
  // keeps them off its live line.
  // started_at is set when the load starts.
  RunInfo info{&plan, model.step_names, clock.count(), clock.planned_total_ns(), options.mode, "", options.version,
               threads};
  Console console(options.quiet, info);
  console.SetRedactor(&redactor);
  host.SetLogSink([&](sp_log_level, const std::string& line) { console.Message(line); });
  runner->SetMessageSink([&](const std::string& line) { console.Message(line); });
  struct LogSinkReset {
    plugin::Host& host;
    ~LogSinkReset() { host.SetLogSink(nullptr); }
  } log_sink_reset{host};

  InterruptWatcher watcher([&](int count, const char* name) {
    if (count >= 3) {
      // The way out when something hangs past its bound (a plugin's revert, a service's
      // restart): no reports; services die with us (parent-death signal), proxies with the
      // process, and faults that outlive it are in the journal.
      console.Message(std::string("stressplan: ") + name + " received a third time: exiting now; reports are not "
                      "written" + (journal.is_open() ? "; undo what is left with `stressplan recover --journal " +
                                                           journal.path() + "`" : std::string()));
      std::_Exit(kExitInterrupted);
    }
    console.Message(std::string("stressplan: ") + name + " received: " +
                    (count == 1 ? "stopping the load, reverting faults, draining requests in flight, writing "
                                  "reports (again to interrupt requests in flight)"
                                : "interrupting requests in flight (a third time exits at once)"));
    control.mode.store(count == 1 ? LoadControl::kDrain : LoadControl::kCancel);
    runner->Stop(Outcome::kInterrupted, name);
  });

  services::ServiceSet services_set(std::filesystem::path(report_dir) / "services");
  ServiceControl service_control(&services_set);
  host.SetServiceControl({[&](const std::string& name) { return service_control.Pid(name); },
                          [&](const std::string& name, std::string* why) { return service_control.Restart(name, why); }});
  if (!chaos_setup.OpenSites(&host, &errors)) {
    PrintDiagnostics(errors, redactor);
    DestroyReporters(&reporters);
    return kExitRuntime;
  }
  std::string err;
  if (!plan.services.empty() && !options.quiet) {
    std::fprintf(stderr, "stressplan: starting %zu service(s)\n", plan.services.size());
  }
  if (!services_set.Start(plan.services, &err)) {
    Say(redactor, "stressplan: " + err);
    DestroyReporters(&reporters);
    return kExitRuntime;
  }
  if (watcher.count() > 0) {
    services_set.StopAll();
    DestroyReporters(&reporters);
    return kExitInterrupted;
  }
  if (target->plugin->d.target.preflight) {
    sp_error e{};
    if (target->plugin->d.target.preflight(target->instance, &e) != SP_OK) {
      Say(redactor, "stressplan: target not reachable before the run (" + plan.target.loc.str() +
                        "): " + (e.message[0] ? e.message : "no reason given"));
      target.reset();
      services_set.StopAll();
      DestroyReporters(&reporters);
      return kExitRuntime;
    }
  }

  info.started_at = IsoNow();
  host.SetEventSink([&](const std::string& who, const std::string& name, double value) {
    {
      std::lock_guard<std::mutex> lock(events_mu);
      ++emitted_events[name];
    }
    uint64_t t0 = t0_for_events.load();
    double elapsed = t0 ? static_cast<double>(plugin::NowNs() - t0) / 1e9 : 0.0;
    bus.Post(SP_DOC_EVENT, EventDocument(elapsed, who, name, value));
  });
  bus.Start();
  bus.Post(SP_DOC_RUN_START, RunStartDocument(info));

  // Load threads: each opens its target worker on its own thread, then waits for "go".
  std::vector<std::unique_ptr<LoadWorker>> workers;
  std::vector<std::thread> worker_threads;
  std::vector<std::string> open_errors(threads);
  std::latch opened(threads);
  for (int i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<LoadWorker>(i, threads, model, &clock, *target->plugin,
                                                   target->instance, &control));
  }
  for (int i = 0; i < threads; ++i) {
    worker_threads.emplace_back([&, i] {
      workers[i]->Run([&](const std::string& e) {
        open_errors[i] = e;
        opened.count_down();
      });
    });
  }
  opened.wait();
  std::string open_failure;
  for (const auto& e : open_errors) {
    if (!e.empty()) open_failure = e;
  }
  std::vector<BusyMeter> cpu(workers.size());
  ProcessCpu process_cpu;
  const uint64_t t0 = plugin::NowNs();
  clock.Start(t0);
  t0_for_events.store(t0);
  if (!open_failure.empty()) {
    control.mode.store(LoadControl::kCancel);
    runner->Stop(Outcome::kAborted, "a load thread could not start");
  }
  control.go.store(true, std::memory_order_release);
  observers.Start(t0);
  runner->Start(t0);

  StageTracker tracker(clock);
  ThresholdEvaluator thresholds(plan.thresholds, model);
  const plan::Threshold* aborted_by = nullptr;
  metrics::Recorder total(model.step_names.size(), clock.count());
  std::vector<std::string> names;
  // `last`: the part-second after the load threads finished - counted, not judged.
  auto collect = [&](uint64_t second, uint64_t now, bool last) {
    metrics::Recorder interval(model.step_names.size(), clock.count());
    int active = 0;
    uint64_t in_flight = 0;
    for (auto& w : workers) {
      interval.Merge(w->TakeRecorded());
      active += w->active_users();
      in_flight += w->in_flight();
    }
    total.Merge(interval);
    std::vector<double> busy;
    for (size_t i = 0; i < workers.size(); ++i) {
      busy.push_back(cpu[i].Update(workers[i]->cpu_ns(), workers[i]->cpu_read_at_ns()));
    }
    SnapshotData s;
    s.second = second;
    s.elapsed_s = static_cast<double>(now - t0) / 1e9;
    s.stage = std::min(clock.current(), clock.count() - 1);
    const plan::Stage& st = clock.stages()[s.stage];
    uint64_t in_stage = now > clock.start_ns(s.stage) ? now - clock.start_ns(s.stage) : 0;
    if (st.open()) {
      double sec = static_cast<double>(in_stage) / 1e9;
      double d = static_cast<double>(st.duration.count()) / 1e9;
      s.planned_rate = *st.rate + (st.ramp_to.value_or(*st.rate) - *st.rate) * std::min(1.0, sec / d);
    } else {
      // Judged 20 ms back: the load threads apply a spawn-rate step within 5 ms of it.
      s.planned_users = UsersWithin(st, clock.from_users(s.stage), in_stage > 20'000'000 ? in_stage - 20'000'000 : 0);
    }
    s.active_users = active;
    s.in_flight = in_flight;
    names.resize(host.interner().size());
    for (size_t i = 0; i < names.size(); ++i) names[i] = host.interner().Name(static_cast<uint32_t>(i));
    if (!last) {
      std::lock_guard<std::mutex> lock(events_mu);
      const plan::Threshold* failed = thresholds.OnSecond(interval, total, s.elapsed_s, names, emitted_events);
      if (failed && !aborted_by) {
        aborted_by = failed;
        console.Message("stressplan: threshold \"" + failed->text + "\" (" + failed->loc.str() +
                        ") failed: stopping the run (abort_on_fail)");
        control.mode.store(LoadControl::kDrain);
        runner->Stop(Outcome::kAborted, "threshold \"" + failed->text + "\" failed (abort_on_fail)");
      }
    }
    if (!last && clock.current() < clock.count()) {
      tracker.Sample(s.stage, static_cast<double>(in_stage) / 1e9, s.planned_users, active, busy);
    }
    const double start_s = static_cast<double>(second - 1);
    chaos_metrics.OnSecond(start_s, std::clamp(s.elapsed_s, start_s, start_s + 1.0), interval, names);
    s.active_chaos = runner->Active();
    bus.Post(SP_DOC_SNAPSHOT, SnapshotDocument(s, interval, names));
    console.Tick(s, interval, total);
  };

  // The timeline: the orchestrator moves the stages on (a stage with `iterations` ends when they
  // are done) and takes a snapshot at every whole second, until every load thread has finished.
  std::atomic<int> finished{0};
  std::thread joiner([&] {
    for (auto& t : worker_threads) t.join();
    finished.store(1);
  });
  // Load threads publish what they recorded at each whole second (within their 5 ms poll
  // bound); the snapshot is taken a little after, so each second gets exactly its own.
  constexpr uint64_t kCollectDelayNs = 25'000'000;
  uint64_t second = 0;
  bool broken_reported = false;
  while (!finished.load()) {
    service_control.Pump();
    if (!broken_reported) {
      for (auto& w : workers) {
        if (w->broken()) {
          // The run is going down: no more faults, and those in come out now.
          broken_reported = true;
          runner->Stop(Outcome::kAborted, "a load thread broke");
          break;
        }
      }
    }
    uint64_t now = plugin::NowNs();
    clock.Advance(now);
    uint64_t next = t0 + (second + 1) * 1'000'000'000ull + kCollectDelayNs;
    if (now >= next) {
      ++second;
      collect(second, now, false);
      continue;
    }
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<uint64_t>(next - now, 2'000'000)));
  }
  joiner.join();
  const uint64_t t_end = plugin::NowNs();
  auto end_seconds = [&](uint64_t ns) { return static_cast<double>(ns - t0) / 1e9; };
  // What the threads published after the last whole second.
  clock.Advance(t_end);
  collect(second + 1, t_end, true);
  // Faults still in come out now (the load is over); after-probes still due run.
  runner->Finish([&] { service_control.Pump(); });
  service_control.Close();
  observers.Stop(end_seconds(t_end));
  chaos_metrics.Finish(end_seconds(t_end));

  RunEnd end;
  end.duration_s = static_cast<double>(t_end - t0) / 1e9;
  for (auto& w : workers) {
    if (!w->failure().empty()) open_failure = w->failure();
  }
  if (!open_failure.empty()) {
    end.status = RunStatus::kAborted;
    end.reason = open_failure;
  } else if (aborted_by != nullptr) {
    end.status = RunStatus::kAborted;
    end.reason = "threshold \"" + aborted_by->text + "\" failed (abort_on_fail)";
  } else if (watcher.count() > 0) {
    end.status = RunStatus::kInterrupted;
    end.reason = watcher.first_signal() == SIGINT ? "SIGINT" : "SIGTERM";
  }
  end.reporter_documents_dropped = bus.dropped();
  end.stages = tracker.Evaluate(total, t0, t_end);
  end.process_cpu_s = process_cpu.Seconds();
  end.chaos = ChaosReportOf(plan, *runner, chaos_metrics, observers);
  if (!runner->empty() && !options.quiet) {
    console.Message("stressplan: chaos journal: " + journal.path());
  }
  thresholds.SetRunEndValues(RunEndValues(end.chaos));
  {
    std::lock_guard<std::mutex> lock(events_mu);
    end.thresholds = thresholds.Final(total, end.duration_s, names, emitted_events);
  }
  {
    std::lock_guard<std::mutex> lock(events_mu);
    bus.Post(SP_DOC_SUMMARY, SummaryDocument(info, end, total, names, emitted_events));
  }
  bus.Finish();
  host.SetEventSink(nullptr);
  workers.clear();
  target.reset();
  DestroyReporters(&reporters);
  runner->DestroyInstances();  // fault instances go before their sites
  services_set.StopAll();
  chaos_setup.CloseSites();

  console.Summary(end, total, names);
  int code = kExitPassed;
  for (const auto& e : bus.errors()) {
    Say(redactor, "stressplan: " + e);
    code = kExitRuntime;
  }
  if (!open_failure.empty()) {
    Say(redactor, "stressplan: " + open_failure);
    code = kExitRuntime;
  }
  if (code == kExitPassed && watcher.count() > 0) code = kExitInterrupted;
  if (code == kExitPassed && (!end.thresholds_passed() || !end.chaos.experiments_passed())) code = kExitFailed;
  if (code == kExitPassed && !end.trustworthy()) code = kExitUntrustworthy;
  return code;
}

}  // namespace sp::run
