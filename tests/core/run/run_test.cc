// The orchestrator run in-process (core/run/run.h): a whole Run against the fake target, fault
// and reporter of fakes.h on a clock 20 times faster than the wall, so each exit path of a run
// (the end, an interrupt, abort_on_fail, a broken or unopened load thread) is tested without
// sockets, services or a plugin library.
#include <sys/prctl.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/exit_codes.h"
#include "core/plan/plan_loader.h"
#include "core/run/fd_table.h"
#include "core/run/run.h"
#include "core/run/start_at.h"
#include "fakes.h"
#include "soft_limit.h"

using nlohmann::json;
using sp::run::Run;
using sp::run::RunOptions;
using sp::run::RunSeams;
using namespace sp::run_test;

namespace {

constexpr uint64_t kClockFactor = 20;

// The plan `text` (plan.yaml in /tmp), which must load.
sp::plan::Plan Loaded(const std::string& text) {
  sp::plan::LoadOptions options;
  options.process_env.emplace();
  sp::plan::Plan plan;
  sp::plan::Diagnostics errors;
  const bool ok = sp::plan::LoadPlanFromString(text, "plan.yaml", "/tmp", options, &plan, &errors);
  for (const auto& e : errors) UNSCOPED_INFO(e.str());
  REQUIRE(ok);
  return plan;
}

// A plan on the fakes: one scenario of one request step, `stages` as the profile, the fake
// reporter, and `extra` keys (thresholds, chaos).
sp::plan::Plan PlanOf(const std::string& stages, const std::string& extra = "") {
  const std::string text =
      "target: {plugin: fake_target}\n"
      "scenarios:\n"
      "  - name: s\n"
      "    think_time: 20ms\n"
      "    requests:\n"
      "      - {name: r}\n"
      "profiles:\n"
      "  p:\n"
      "    stages:\n" +
      stages +
      "profile: p\n"
      "grace: 1s\n"
      "workers: 1\n"
      "reporters:\n"
      "  - {plugin: fake_reporter}\n" +
      extra;
  return Loaded(text);
}

// A fault in from the start of a profile of `seconds` to its end.
std::string FaultAllAlong(int seconds) {
  return "chaos:\n"
         "  steps:\n"
         "    - {name: f, at: 0s, duration: " +
         std::to_string(seconds) + "s, fault: fake_fault}\n";
}

RunSeams Seams() {
  RunSeams seams;
  seams.plugins = {{"fake_target", &FakeTargetEntry},
                   {"fake_fault", &FakeFaultEntry},
                   {"fake_reporter", &FakeReporterEntry}};
  seams.watch_signals = false;
  return seams;
}

RunOptions Options() {
  RunOptions options;
  options.report_dir = (std::filesystem::temp_directory_path() / "stressplan-run-test").string();
  options.quiet = true;
  return options;
}

// The documents the fake reporter received, parsed.
std::vector<json> ParsedDocuments() {
  std::vector<json> out;
  for (const std::string& d : Documents()) out.push_back(json::parse(d));
  return out;
}

std::string TypeOf(const json& doc) { return doc.at("type").get<std::string>(); }

// Waits (wall time) until `done` holds; false after 10 s.
template <typename Done>
bool WaitFor(Done done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Runs the phases up to the load, interrupts once `ready` holds (then lets the held requests
// finish when `release` is set), and finishes the run; *end is what it ended with.
template <typename Ready>
int RunInterruptedWhen(const sp::plan::Plan& plan, Ready ready, bool release,
                       sp::report::RunEnd* end) {
  Run run(plan, Options(), Seams());
  REQUIRE(run.Check());
  REQUIRE(run.OpenReports());
  REQUIRE(run.OpenSites());
  REQUIRE(run.StartServices());
  run.StartLoad();
  bool was_ready = false;  // Catch2 asserts on the test's thread only
  std::thread signal([&] {
    was_ready = WaitFor(ready);
    Target().stop_seen.store(true);
    run.Interrupt(1, "SIGINT");
    if (release) Target().release.store(true);
  });
  run.Wait();
  signal.join();
  CHECK(was_ready);
  run.Judge();
  run.Report();
  run.Stop();
  CHECK(run.end().status == sp::report::RunStatus::kInterrupted);
  CHECK(run.end().reason == "SIGINT");
  *end = run.end();
  return run.exit_code();
}

// Every fault that went in came out before the summary was written, and every instance
// created was destroyed.
void CheckFaultsUndone() {
  CHECK_FALSE(Fault().active.load());
  CHECK(Calls().Count("fault.revert") >= Calls().Count("fault.inject"));
  if (Calls().Count("fault.inject") > 0) {
    CHECK(Calls().IndexOf("fault.revert") >= 0);
    CHECK(Calls().IndexOf("fault.revert") < Calls().IndexOf("reporter.summary"));
  }
  CHECK(Calls().Count("fault.destroy") == Calls().Count("fault.create"));
}

// The one chaos step's outcome: how the chaos thread was told to stop.
sp::report::Outcome StepOutcome(const sp::report::RunEnd& end) {
  REQUIRE(end.chaos.experiments.size() == 1);
  return end.chaos.experiments[0].result.outcome;
}

}  // namespace

TEST_CASE("run: the stages follow one another and each snapshot names the stage it fell in") {
  Reset();
  FastClock clock(kClockFactor);
  const auto plan = PlanOf(
      "      - {duration: 2s, users: 1}\n"
      "      - {duration: 2s, users: 3}\n"
      "      - {duration: 2s, users: 2}\n");
  Run run(plan, Options(), Seams());
  CHECK(run.Execute() == sp::kExitPassed);

  std::vector<int> stages;
  int most_users_in_stage_1 = 0;
  for (const json& d : ParsedDocuments()) {
    if (TypeOf(d) != "snapshot") continue;
    CHECK(d.at("circuit_open") == false);  // the fake target's answers never say open
    stages.push_back(d.at("stage").get<int>());
    if (stages.back() == 1)
      most_users_in_stage_1 =
          std::max(most_users_in_stage_1, d.at("users").at("active").get<int>());
  }
  CAPTURE(stages);
  CHECK(std::is_sorted(stages.begin(), stages.end()));
  CHECK(std::count(stages.begin(), stages.end(), 0) >= 1);
  CHECK(std::count(stages.begin(), stages.end(), 1) >= 1);
  CHECK(std::count(stages.begin(), stages.end(), 2) >= 1);
  CHECK(most_users_in_stage_1 == 3);
  REQUIRE(run.end().stages.size() == 3);
  CHECK(run.end().duration_s ==
        Approx(6.0).margin(1.5));  // the planned length, give or take a busy machine
  CHECK(Target().completed.load() == Target().submitted.load());
}

TEST_CASE(
    "run: the reporters get run_start first, then snapshots and events, the summary last, then "
    "finish") {
  Reset();
  FastClock clock(kClockFactor);
  const auto plan = PlanOf("      - {duration: 3s, users: 2}\n", FaultAllAlong(3));
  Run run(plan, Options(), Seams());
  CHECK(run.Execute() == sp::kExitPassed);

  const std::vector<json> docs = ParsedDocuments();
  REQUIRE(docs.size() >= 4);
  CHECK(TypeOf(docs.front()) == "run_start");
  CHECK(TypeOf(docs.back()) == "summary");
  uint64_t last_second = 0;
  int events = 0;
  for (size_t i = 1; i + 1 < docs.size(); ++i) {
    const std::string type = TypeOf(docs[i]);
    CHECK((type == "snapshot" || type == "event"));
    if (type == "event") ++events;
    if (type != "snapshot") continue;
    const uint64_t second = docs[i].at("second").get<uint64_t>();
    CHECK(second == last_second + 1);  // every second once, in order
    last_second = second;
  }
  CHECK(last_second >= 3);
  CHECK(events >= 2);  // the fault's inject and revert
  // The reporter is finished after the summary, then destroyed after the target.
  const int summary = Calls().IndexOf("reporter.summary");
  CHECK(summary < Calls().IndexOf("reporter.finish"));
  CHECK(Calls().IndexOf("reporter.finish") < Calls().IndexOf("target.destroy"));
  CHECK(Calls().IndexOf("target.destroy") < Calls().IndexOf("reporter.destroy"));
  CHECK(Calls().IndexOf("reporter.destroy") < Calls().IndexOf("fault.destroy"));
  // The fault came out before the summary was written.
  CHECK(Calls().IndexOf("fault.revert") < summary);
}

TEST_CASE(
    "run: an interrupt drains the load: nothing new starts, requests in flight finish within "
    "grace") {
  Reset();
  FastClock clock(kClockFactor);
  const auto plan = PlanOf("      - {duration: 60s, users: 2}\n", FaultAllAlong(60));
  Target().hold = true;  // both users' first requests stay in flight until released
  sp::report::RunEnd end;
  const int code = RunInterruptedWhen(
      plan, [] { return Target().submitted.load() >= 2 && Calls().Count("fault.inject") == 1; },
      /*release=*/true, &end);  // released after the interrupt: they finish within the grace
  CHECK(code == sp::kExitInterrupted);
  CHECK(StepOutcome(end) == sp::report::Outcome::kInterrupted);
  CHECK(Target().submitted_after_stop.load() == 0);
  CHECK(Target().cancelled.load() == 0);
  CHECK(Target().completed.load() == Target().submitted.load());
  CheckFaultsUndone();
}

TEST_CASE("run: a load thread waits with 1 us of timer slack, so its timers fire on time") {
  // Linux's default slack (50 us) would let arrival and think timers fire that late, and the
  // lateness is counted in latency (docs/plan.md, the open model).
  Reset();
  FastClock clock(kClockFactor);
  Run run(PlanOf("      - {duration: 1s, users: 2}\n"), Options(), Seams());
  CHECK(run.Execute() == sp::kExitPassed);
  REQUIRE(Target().completed.load() > 0);
  CHECK(Target().poll_timer_slack_ns.load() == 1000);
  CHECK(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) != 1000);  // the caller's own thread is untouched
}

TEST_CASE("run: the descriptor table holds every user's connection before the load starts") {
  // Grown while load threads run, it would stall them for an RCU grace period at each
  // doubling (core/run/fd_table.h); an open stage's max_concurrency counts as its users.
  Reset();
  FastClock clock(kClockFactor);
  const size_t before = sp::run::DescriptorTableSize();
  REQUIRE(before >= 64);
  const size_t slots = before;  // with the spare, more than the table holds now
  SoftLimit limit(slots + 2 * sp::run::kSpareDescriptors);
  REQUIRE(limit.soft() >= slots + sp::run::kSpareDescriptors);  // else the host cannot show it
  Run run(PlanOf("      - {duration: 1s, rate: 20/s, max_concurrency: " + std::to_string(slots) +
                 "}\n"),
          Options(), Seams());
  CHECK(run.Execute() == sp::kExitPassed);
  CHECK(Target().fd_table_at_worker_open.load() >= slots + sp::run::kSpareDescriptors);
}

TEST_CASE("run: the soft open-files limit is raised for every user's connection, within the hard") {
  Reset();
  FastClock clock(kClockFactor);
  SoftLimit limit(512);  // a login shell's 1 024, halved: below the 1 000 slots and the spare
  REQUIRE(limit.hard() >= 2048);  // else the host cannot show it
  REQUIRE(limit.soft() == 512);
  Run run(PlanOf("      - {duration: 1s, rate: 20/s, max_concurrency: 1000}\n"), Options(),
          Seams());
  CHECK(run.Execute() == sp::kExitPassed);
  CHECK(Target().open_files_limit_at_worker_open.load() == 1000 + sp::run::kSpareDescriptors);
  CHECK(limit.hard() == limit.saved_hard());  // the hard limit untouched
}

TEST_CASE("run: requests still in flight when the grace ends are interrupted, each counted once") {
  Reset();
  FastClock clock(kClockFactor);
  const auto plan = PlanOf("      - {duration: 60s, users: 2}\n");
  Target().hold = true;  // never released: the grace (1 s) runs out
  sp::report::RunEnd end;
  const int code = RunInterruptedWhen(
      plan, [] { return Target().submitted.load() >= 2; }, /*release=*/false, &end);
  CHECK(code == sp::kExitInterrupted);
  CHECK(Target().submitted_after_stop.load() == 0);
  CHECK(Target().cancelled.load() == 2);
  CHECK(Target().completed.load() == 0);
  const json summary = ParsedDocuments().back();
  REQUIRE(TypeOf(summary) == "summary");
  CHECK(summary.at("status").get<std::string>() == "interrupted");
}

TEST_CASE(
    "run: a failing abort_on_fail threshold ends the run early, reverts the fault and exits 1") {
  Reset();
  FastClock clock(kClockFactor);
  const auto plan = PlanOf("      - {duration: 60s, users: 2}\n",
                           FaultAllAlong(60) +
                               "thresholds:\n"
                               "  - {threshold: \"error_rate < 10%\", abort_on_fail: true}\n");
  Target().error = SP_E_HTTP_5XX;
  Target().status = 503;
  Run run(plan, Options(), Seams());
  CHECK(run.Execute() == sp::kExitFailed);
  CHECK(run.end().status == sp::report::RunStatus::kAborted);
  CHECK(run.end().reason == "threshold \"error_rate < 10%\" failed (abort_on_fail)");
  CHECK(run.end().duration_s < 10.0);
  CHECK(Calls().Count("fault.inject") == 1);
  CHECK(StepOutcome(run.end()) == sp::report::Outcome::kAborted);
  CheckFaultsUndone();
}

TEST_CASE("run: the fault comes out on every way the run ends") {
  Reset();
  FastClock clock(kClockFactor);

  SECTION("the profile's end") {
    const auto plan = PlanOf("      - {duration: 2s, users: 1}\n", FaultAllAlong(2));
    Run run(plan, Options(), Seams());
    CHECK(run.Execute() == sp::kExitPassed);
    CHECK(Calls().Count("fault.inject") == 1);
    CHECK(StepOutcome(run.end()) == sp::report::Outcome::kCompleted);
    CheckFaultsUndone();
  }
  SECTION("a load thread that breaks mid-run") {
    const auto plan = PlanOf("      - {duration: 60s, users: 1}\n", FaultAllAlong(60));
    bool injected = false;  // Catch2 asserts on the test's thread only
    std::thread breaker([&injected] {
      injected = WaitFor([] { return Calls().Count("fault.inject") == 1; });
      Target().broken.store(true);
    });
    Run run(plan, Options(), Seams());
    CHECK(run.Execute() == sp::kExitRuntime);
    breaker.join();
    CHECK(injected);
    CHECK(run.end().status == sp::report::RunStatus::kAborted);
    CHECK(run.end().reason == "target plugin fake_target reported a broken load thread");
    CHECK(StepOutcome(run.end()) == sp::report::Outcome::kAborted);
    CHECK(run.end().chaos.experiments[0].result.message.find("a load thread broke") !=
          std::string::npos);
    CheckFaultsUndone();
  }
  SECTION("an inject that fails half-way") {
    Fault().fail_inject.store(true);
    const auto plan = PlanOf("      - {duration: 2s, users: 1}\n", FaultAllAlong(2));
    Run run(plan, Options(), Seams());
    CHECK(run.Execute() == sp::kExitFailed);
    REQUIRE(run.end().chaos.experiments.size() == 1);
    CHECK(run.end().chaos.experiments[0].result.message.rfind(
              "inject failed: the fake fault went in half-way", 0) == 0);
    CheckFaultsUndone();
  }
  SECTION("a load thread that cannot open: no fault goes in, the run exits 1") {
    Target().fail_worker_open = true;
    const auto plan = PlanOf("      - {duration: 60s, users: 1}\n", FaultAllAlong(60));
    Run run(plan, Options(), Seams());
    CHECK(run.Execute() == sp::kExitRuntime);
    CHECK(
        run.end().reason ==
        "target plugin fake_target could not open a load thread: the fake target refuses a worker");
    CHECK(Calls().Count("fault.inject") == 0);
    CheckFaultsUndone();
  }
}

TEST_CASE("run: a phase that fails returns, and the Run's destruction undoes what exists") {
  Reset();
  FastClock clock(kClockFactor);
  const auto plan = PlanOf("      - {duration: 2s, users: 1}\n", FaultAllAlong(2));
  Target().fail_preflight = true;
  {
    Run run(plan, Options(), Seams());
    REQUIRE(run.Check());
    REQUIRE(run.OpenReports());
    REQUIRE(run.OpenSites());
    CHECK_FALSE(run.StartServices());
    CHECK(run.exit_code() == sp::kExitRuntime);
    CHECK(Calls().Count("target.destroy") == 0);
    CHECK(Calls().Count("reporter.destroy") == 0);
  }
  // Destroyed in the teardown order: the target before the reporters; nothing was started.
  CHECK(Calls().IndexOf("target.destroy") >= 0);
  CHECK(Calls().IndexOf("target.destroy") < Calls().IndexOf("reporter.destroy"));
  CHECK(Calls().Count("target.worker_open") == 0);
  CHECK(Calls().Count("reporter.run_start") == 0);
  CHECK(Calls().Count("fault.create") == 0);
  // The report folder's lock went with the run: a new run may take the folder.
  Reset();
  Run again(plan, Options(), Seams());
  CHECK(again.Execute() == sp::kExitPassed);
}

namespace {

// Two scenarios, one request step each (request table: 0 = a/r, 1 = b/r), and a profile of two
// workloads on two load threads: `closed` runs a with 2 users for 4 s; `open` runs b at
// 20/s for 2 s from 2 s on.
sp::plan::Plan TwoWorkloads(const std::string& thresholds) {
  const std::string text =
      "target: {plugin: fake_target}\n"
      "scenarios:\n"
      "  - {name: a, think_time: 20ms, requests: [{name: r}]}\n"
      "  - {name: b, requests: [{name: r}]}\n"
      "profiles:\n"
      "  two:\n"
      "    workloads:\n"
      "      closed: {scenarios: [a], stages: [{duration: 4s, users: 2}]}\n"
      "      open: {scenarios: [b], start: 2s, stages: [{duration: 2s, rate: 20/s}]}\n"
      "profile: two\n"
      "grace: 1s\n"
      "workers: 2\n"
      "reporters:\n"
      "  - {plugin: fake_reporter}\n" +
      thresholds;
  return Loaded(text);
}

}  // namespace

TEST_CASE("run: two workloads run at once, each with its own model, start and users") {
  Reset();
  FastClock clock(kClockFactor);
  Run run(TwoWorkloads(""), Options(), Seams());
  const uint64_t t0 = sp::plugin::NowNs();
  // On a busy machine the 20x clock's open stage (400 arrivals a real second) can miss a few
  // arrivals: the run must then say it could not keep up (4), and pass only when it did.
  const int code = run.Execute();
  CHECK((code == sp::kExitPassed || code == sp::kExitUntrustworthy));

  // What the target saw: a's requests from users 0 and 1 (closed's slots), b's from users
  // 2 on (open's slots come after them), b's only from its start, and a's still going then.
  uint64_t first_b = UINT64_MAX, last_a = 0, a_count = 0, b_count = 0;
  for (const Submitted& s : Submits()) {
    if (s.request == 0) {
      CHECK(s.vu < 2);
      last_a = std::max(last_a, s.at_ns);
      ++a_count;
    } else {
      CHECK(s.vu >= 2);
      first_b = std::min(first_b, s.at_ns);
      ++b_count;
    }
  }
  CHECK(first_b >= t0 + 2'000'000'000);
  CHECK(last_a > first_b + 500'000'000);  // concurrently, on the same load threads
  CHECK(b_count <= 40);                   // 20/s for 2 s
  CHECK(b_count >= (code == sp::kExitPassed ? 36u : 20u));  // 5% missed is untrustworthy

  // Reported separately and together: the run's totals are the sum of the workloads'.
  const json summary = ParsedDocuments().back();
  REQUIRE(TypeOf(summary) == "summary");
  const json& workloads = summary.at("workloads");
  REQUIRE(workloads.size() == 2);
  CHECK(workloads[0].at("name") == "closed");
  CHECK(workloads[1].at("name") == "open");
  CHECK(workloads[0].at("requests").get<uint64_t>() == a_count);
  CHECK(workloads[1].at("requests").get<uint64_t>() == b_count);
  CHECK(summary.at("requests").get<uint64_t>() == a_count + b_count);
  CHECK(workloads[1].at("iterations_started").get<uint64_t>() == b_count);
  CHECK(workloads[1].at("start_s").get<double>() == 2.0);
  CHECK(workloads[1].at("duration_s").get<double>() == Approx(2.0).margin(0.3));
  // Stages are numbered across the workloads; each says its workload.
  const json& stages = summary.at("stages");
  REQUIRE(stages.size() == 2);
  CHECK(stages[0].at("workload") == "closed");
  CHECK(stages[1].at("workload") == "open");
  CHECK(stages[1].at("workload_stage") == 0);
  CHECK(stages[1].at("started_s").get<double>() == Approx(2.0).margin(0.2));
  CHECK(stages[1].at("model") == "open");
  CHECK(workloads[1].at("stages") == json::array({1}));
  CHECK(run.end().duration_s == Approx(4.0).margin(1.0));  // until the last workload ends
}

TEST_CASE("run: a workload-scoped threshold judges only its workload's requests") {
  Reset();
  FastClock clock(kClockFactor);
  Run run(TwoWorkloads("thresholds:\n"
                       "  - {threshold: \"requests < 60\", workload: open}\n"
                       "  - {threshold: \"requests > 60\", workload: open}\n"
                       "  - {threshold: \"rps < 25\", workload: open}\n"
                       "  - \"requests > 60\"\n"),
          Options(), Seams());
  CHECK(run.Execute() == sp::kExitFailed);  // the second threshold
  const auto& t = run.end().thresholds;
  REQUIRE(t.size() == 4);
  const double open_requests = t[0].observed;
  CHECK(open_requests >= 36);
  CHECK(t[0].passed);
  CHECK_FALSE(t[1].passed);
  CHECK(t[1].observed == open_requests);
  // Its requests per second of its own 2 s, not of the run's 4 s.
  CHECK(t[2].observed == Approx(open_requests / 2.0).epsilon(0.15));
  CHECK(t[2].passed);
  CHECK(t[3].passed);  // the whole run's: both workloads
  CHECK(t[3].observed > open_requests + 100);
  const json summary = ParsedDocuments().back();
  CHECK(summary.at("thresholds")[0].at("scope") == "workload open");
  CHECK(summary.at("thresholds")[0].at("name") == "requests < 60 [workload open]");
}

TEST_CASE(
    "run: segment 1 of 3 runs its share of the users, with the plan's vu ids, and only "
    "follows the fault's window") {
  Reset();
  FastClock clock(kClockFactor);
  RunOptions options = Options();
  options.segment = {1, 3};
  Run run(PlanOf("      - {duration: 2s, users: 10}\n", FaultAllAlong(2)), options, Seams());
  CHECK(run.Execute() == sp::kExitPassed);

  std::set<uint64_t> vus;
  for (const Submitted& s : Submits()) vus.insert(s.vu);
  CHECK(vus == std::set<uint64_t>{1, 4, 7});  // users 1, 4 and 7 of the plan's 10
  // The fault is segment 0's: nothing of it is created or injected here.
  CHECK(Calls().Count("fault.create") == 0);
  CHECK(Calls().Count("fault.inject") == 0);
  const json summary = ParsedDocuments().back();
  REQUIRE(TypeOf(summary) == "summary");
  CHECK(summary.at("segment") == json({{"index", 1}, {"count", 3}}));
  CHECK_FALSE(summary.at("start").contains("requested"));
  CHECK(summary.at("stages")[0].at("planned").at("users") == 3);
  REQUIRE(run.end().chaos.experiments.size() == 1);
  const sp::report::ExperimentResult& step = run.end().chaos.experiments[0].result;
  CHECK(step.outcome == sp::report::Outcome::kCompleted);
  CHECK_FALSE(step.injected);
  CHECK(step.start_s == Approx(0.0).margin(0.5));  // the window, on this segment's timeline
  CHECK(step.end_s > step.start_s);
  CHECK_THAT(step.message, Catch::StartsWith("segment 1/3: the fault is segment 0's"));
}

TEST_CASE("run: --start-at waits for the wall-clock instant before the load") {
  Reset();
  FastClock clock(kClockFactor);
  RunOptions options = Options();
  const double at = sp::run::WallClockNow() + 0.3;
  options.start_at_unix_s = at;
  Run run(PlanOf("      - {duration: 1s, users: 1}\n"), options, Seams());
  CHECK(run.Execute() == sp::kExitPassed);
  const json start = ParsedDocuments().back().at("start");
  CHECK(start.at("skew_ms").get<double>() >= 0);
  CHECK(start.at("skew_ms").get<double>() < 1000);               // generous: a busy machine
  CHECK(start.at("requested").get<std::string>().size() == 24);  // 2026-01-02T03:04:05.250Z
  CHECK(ParsedDocuments().back().at("segment") == json({{"index", 0}, {"count", 1}}));
}

TEST_CASE("run: an interrupt while waiting for --start-at ends the run before any load") {
  Reset();
  FastClock clock(kClockFactor);
  RunOptions options = Options();
  options.start_at_unix_s = sp::run::WallClockNow() + 60;
  Run run(PlanOf("      - {duration: 1s, users: 1}\n"), options, Seams());
  REQUIRE(run.Check());
  REQUIRE(run.OpenReports());
  REQUIRE(run.OpenSites());
  REQUIRE(run.StartServices());
  std::thread signal([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    run.Interrupt(1, "SIGINT");
  });
  const auto waited_from = std::chrono::steady_clock::now();
  CHECK_FALSE(run.AwaitStart());
  signal.join();
  CHECK(std::chrono::steady_clock::now() - waited_from < std::chrono::seconds(10));
  CHECK(run.exit_code() == sp::kExitInterrupted);
  CHECK(Target().submitted.load() == 0);
  CHECK(Documents().empty());  // the reporters got nothing: no report is half-written
}
