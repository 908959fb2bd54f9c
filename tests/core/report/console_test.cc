// The console (docs/cli.md, "Console output"): the live line on a terminal and in CI logs, and
// the end-of-run summary, approved against tests/core/report/baselines/console_summary.txt.
// To accept a change to the summary, look at the diff the failing test prints, then:
//   APPROVE=1 ctest --test-dir <build> -R '^unit\.core$' --output-on-failure
// and review the baseline's diff (see tests/reporters/approval.h).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "approval.h"
#include "core/chaos/chaos_report.h"
#include "core/chaos/recovery.h"
#include "core/plan/threshold.h"
#include "core/report/console.h"
#include "core/run/schedule.h"

using namespace std::chrono_literals;
using sp::report::Console;

namespace {

// A FILE* writing to memory, for one of the console's streams.
class Captured {
 public:
  Captured() : file_(open_memstream(&data_, &size_)) { REQUIRE(file_ != nullptr); }
  ~Captured() {
    std::fclose(file_);
    std::free(data_);
  }
  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;
  FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  FILE* file_;
};

sp::plan::Plan MakePlan() {
  sp::plan::Plan p;
  p.name = "webhook-demo";
  p.profile = "smoke";
  return p;
}

// What the console is told about the run: the plan and its profile's shape.
sp::report::RunInfo Info(const sp::plan::Plan& plan, const sp::run::StageClock& clock) {
  sp::report::RunInfo info;
  info.plan = &plan;
  info.stage_count = clock.count();
  info.planned_total_ns = clock.planned_total_ns();
  return info;
}

sp::plan::Stage Closed(std::chrono::nanoseconds d, int users) {
  sp::plan::Stage s;
  s.duration = d;
  s.users = users;
  return s;
}

sp::plan::Stage Open(std::chrono::nanoseconds d, double rate) {
  sp::plan::Stage s;
  s.duration = d;
  s.rate = rate;
  return s;
}

sp::plan::Threshold T(const std::string& text, const std::string& request = "") {
  sp::plan::Threshold t;
  std::string err;
  REQUIRE(sp::plan::ParseThreshold(text, &t, &err));
  t.request = request;
  return t;
}

// `n` requests of step `step` in stage `stage`, each `ms` long from its actual start and
// `late_ms` late against its intended start, with the given status and error kind.
void Add(sp::metrics::Recorder* r, int n, double ms, int status, sp_error_kind error = SP_E_NONE,
         const std::vector<uint32_t>& events = {}, uint32_t step = 0, uint32_t stage = 0,
         double late_ms = 0) {
  for (int i = 0; i < n; ++i) {
    sp_result res{};
    res.start_ns = 10'000'000'000;
    res.end_ns = res.start_ns + static_cast<uint64_t>(ms * 1e6);
    res.status = status;
    res.error = error;
    res.events = events.data();
    res.event_count = events.size();
    res.failed_check = UINT32_MAX;
    r->Record(res, step, stage, res.start_ns - static_cast<uint64_t>(late_ms * 1e6));
  }
}

// One second of 50 requests of 20 ms, 2 of them 503s.
sp::metrics::Recorder Second() {
  sp::metrics::Recorder r(1, 1);
  Add(&r, 48, 20, 200);
  Add(&r, 2, 20, 503, SP_E_HTTP_5XX);
  return r;
}

}  // namespace

TEST_CASE("on a terminal, each tick rewrites the live line on stderr") {
  const sp::plan::Plan plan = MakePlan();
  sp::run::StageClock clock({Closed(10s, 20)});
  Captured out, err;
  const sp::report::RunInfo info = Info(plan, clock);
  Console console(false, info, out.file(), err.file(), true);
  sp::metrics::Recorder interval = Second(), total = Second();
  total.Merge(Second());
  total.Merge(Second());

  sp::report::SnapshotData s;
  s.second = 1;
  s.elapsed_s = 1.0;
  s.planned_users = 20;
  s.active_users = 12;
  console.Tick(s, interval, total);
  s.second = 2;
  s.elapsed_s = 2.0;
  s.active_users = 20;
  s.active_chaos = {"llm slow", "db down"};
  console.Tick(s, interval, total);
  CHECK(err.text() ==
        "\r\033[K[    1s/10s] stage 1/1  users 12/20  50 req/s  p95 20.0 ms  errors 2 (total 6)"
        "\r\033[K[    2s/10s] stage 1/1  users 20/20  50 req/s  p95 20.0 ms  errors 2 (total 6)"
        "  chaos: llm slow, db down");

  // The summary ends the open line on stderr and goes to stdout.
  sp::report::RunEnd end;
  end.duration_s = 2.0;
  console.Summary(end, total, {});
  CHECK(err.text().back() == '\n');
  CHECK(out.text().rfind("\nstressplan: webhook-demo, profile smoke: completed in 2.0s\n", 0) == 0);
}

TEST_CASE("the live line names the stage and the open model's rate") {
  const sp::plan::Plan plan = MakePlan();
  sp::run::StageClock clock({Closed(5s, 10), Open(60s, 100), Closed(5s, 0)});
  Captured out, err;
  const sp::report::RunInfo info = Info(plan, clock);
  Console console(false, info, out.file(), err.file(), true);
  sp::metrics::Recorder interval = Second();
  sp::report::SnapshotData s;
  s.second = 37;
  s.elapsed_s = 36.99;
  s.stage = 1;
  s.planned_rate = 150.4;
  s.active_users = 7;
  console.Tick(s, interval, interval);
  CHECK(err.text() ==
        "\r\033[K[   37s/70s] stage 2/3  rate 150/s, 7 running  50 req/s  p95 20.0 ms  errors 2 (total 2)");
  CHECK(out.text().empty());
}

TEST_CASE("without a terminal, a plain line every 10 s") {
  const sp::plan::Plan plan = MakePlan();
  sp::run::StageClock clock({Closed(25s, 20)});
  Captured out, err;
  const sp::report::RunInfo info = Info(plan, clock);
  Console console(false, info, out.file(), err.file(), false);
  sp::metrics::Recorder interval = Second();
  sp::report::SnapshotData s;
  s.planned_users = 20;
  s.active_users = 20;
  for (uint64_t sec = 1; sec <= 25; ++sec) {
    s.second = sec;
    s.elapsed_s = static_cast<double>(sec);
    s.active_chaos = sec == 20 ? std::vector<std::string>{"llm slow"} : std::vector<std::string>{};
    console.Tick(s, interval, interval);
  }
  const std::string lines =
      "[   10s/25s] stage 1/1  users 20/20  50 req/s  p95 20.0 ms  errors 2 (total 2)\n"
      "[   20s/25s] stage 1/1  users 20/20  50 req/s  p95 20.0 ms  errors 2 (total 2)  chaos: llm slow\n";
  CHECK(err.text() == lines);
  sp::report::RunEnd end;
  end.duration_s = 25;
  console.Summary(end, interval, {});
  CHECK(err.text() == lines);  // no open line to end
  CHECK(out.text().find("requests      50 (2.0/s), errors 2 (4.00%)") != std::string::npos);
}

TEST_CASE("quiet: neither progress nor summary") {
  const sp::plan::Plan plan = MakePlan();
  sp::run::StageClock clock({Closed(10s, 20)});
  for (bool tty : {true, false}) {
    Captured out, err;
    const sp::report::RunInfo info = Info(plan, clock);
    Console console(true, info, out.file(), err.file(), tty);
    sp::metrics::Recorder interval = Second();
    sp::report::SnapshotData s;
    for (uint64_t sec = 1; sec <= 10; ++sec) {
      s.second = sec;
      s.elapsed_s = static_cast<double>(sec);
      console.Tick(s, interval, interval);
    }
    sp::report::RunEnd end;
    end.duration_s = 10;
    console.Summary(end, interval, {});
    CHECK(out.text().empty());
    CHECK(err.text().empty());
  }
}

TEST_CASE("the summary of a run with thresholds, errors, events and experiments") {
  const sp::plan::Plan plan = MakePlan();
  sp::run::StageClock clock({Closed(5s, 10), Open(15s, 100)});
  const std::vector<std::string> names = {"echo_reply", "circuit_open", "never_seen"};

  // Requests: late against their schedule in the open stage, so latency (from the intended
  // start) and service time differ and both lines show.
  sp::metrics::Recorder total(2, 2);
  Add(&total, 40, 12, 200, SP_E_NONE, {0}, 0, 0);
  Add(&total, 1400, 25, 200, SP_E_NONE, {0}, 0, 1, 5);
  Add(&total, 30, 2, 503, SP_E_HTTP_5XX, {1}, 1, 1);
  Add(&total, 10, 8, 429, SP_E_HTTP_4XX, {}, 1, 1);
  Add(&total, 5, 1000, 0, SP_E_RESPONSE_TIMEOUT, {}, 0, 1);
  Add(&total, 3, 1, 0, SP_E_INTERRUPTED, {}, 0, 1);

  sp::report::RunEnd end;
  end.duration_s = 20.4;
  sp::report::StageResult closed;
  closed.index = 0;
  sp::report::StageResult open;
  open.index = 1;
  open.open = true;
  open.planned_rate = 100;
  open.achieved_rate = 99.5;
  open.dropped = 3;
  end.stages = {closed, open};

  const sp::plan::Threshold p95 = T("latency.p95 < 500ms");
  const sp::plan::Threshold errors = T("error_rate < 1%", "message/send");
  sp::report::ThresholdResult passed;
  passed.threshold = &p95;
  passed.evaluated = true;
  passed.observed_text = "30.0ms";
  sp::report::ThresholdResult failed;
  failed.threshold = &errors;
  failed.evaluated = true;
  failed.passed = false;
  failed.observed_text = "2.68%";
  // Stopped the run at 4.0 s with 5.10%; over the whole run (with the drain) 2.90%.
  sp::plan::Threshold abort_errors = T("error_rate < 5%");
  abort_errors.abort_on_fail = true;
  sp::report::ThresholdResult aborted;
  aborted.threshold = &abort_errors;
  aborted.evaluated = true;
  aborted.passed = false;
  aborted.observed = 0.051;
  aborted.observed_text = "5.100%";
  aborted.failed_at_s = 4.0;
  aborted.have_run_value = true;
  aborted.run_observed = 0.029;
  aborted.run_observed_text = "2.900%";
  // Failed over one window of 5 s ending at 12 s.
  sp::plan::Threshold windowed = T("latency.p95 < 25ms for 5s");
  sp::report::ThresholdResult window_failed;
  window_failed.threshold = &windowed;
  window_failed.evaluated = true;
  window_failed.passed = false;
  window_failed.observed_text = "30.020ms";
  window_failed.failed_at_s = 12.0;
  // Needs a chaos step the run did not have.
  sp::plan::Threshold recovery = T("recovery_time < 10s");
  recovery.skip_reason = "--mode load runs no chaos steps: there is no fault to recover from";
  sp::report::ThresholdResult skipped;
  skipped.threshold = &recovery;
  skipped.skipped = true;
  skipped.observed_text = "skipped";
  end.thresholds = {passed, failed, aborted, window_failed, skipped};

  sp::report::CircuitReport breaker;
  breaker.source = "observer:breaker";
  breaker.trips = 2;
  breaker.time_open_s = 3.5;
  sp::report::CircuitReport responses;
  responses.source = "responses";
  responses.trips = 1;
  end.chaos.circuits = {breaker, responses};

  // "llm slow": completed, recovered 1 s after the fault's end (the first window was bad).
  sp::chaos::RecoveryConfig cfg;
  cfg.windows = 2;
  sp::report::ExperimentReport slow;
  slow.result.name = "llm slow";
  slow.result.fault = "proxy latency";
  slow.result.start_s = 6.02;
  slow.result.end_s = 9.03;
  slow.measure.inject_s = 6.02;
  slow.measure.revert_s = 9.03;
  Add(&slow.measure.during, 300, 210, 200);
  Add(&slow.measure.during, 6, 2, 503, SP_E_HTTP_5XX);
  slow.measure.trips = 1;
  sp::chaos::RecoveryMeter slow_recovery(cfg, sp::chaos::BaselineFrom(500, 0, 25.0), 9.03);
  slow_recovery.OnWindow({9, 10, 100, 0, 400.0, false});
  slow_recovery.OnWindow({10, 11, 100, 0, 24.0, false});
  slow_recovery.OnWindow({11, 12, 100, 0, 26.0, false});
  REQUIRE(slow_recovery.result().state == sp::chaos::RecoveryResult::State::Recovered);
  slow.measure.recovery = sp::chaos::RecoveryReportOf(slow_recovery.result());

  // "llm errors": the hypothesis did not hold afterwards and the service never recovered.
  sp::report::ExperimentReport broken;
  broken.result.name = "llm errors";
  broken.result.fault = "proxy http_abort";
  broken.result.outcome = sp::report::Outcome::kFailed;
  broken.result.deviated = true;
  broken.result.message = "steady state did not hold after the fault: few errors: error_rate 12.00% >= 5%";
  broken.result.start_s = 14;
  broken.result.end_s = 17;
  broken.measure.inject_s = 14;
  broken.measure.revert_s = 17;
  Add(&broken.measure.during, 150, 5, 200);
  Add(&broken.measure.during, 150, 1, 500, SP_E_HTTP_5XX);
  sp::chaos::RecoveryMeter broken_recovery(cfg, sp::chaos::BaselineFrom(500, 0, 25.0), 17);
  broken_recovery.OnWindow({17, 18, 100, 30, 25.0, false});
  broken_recovery.Finish(20.4);
  broken.measure.recovery = sp::chaos::RecoveryReportOf(broken_recovery.result());
  end.chaos.experiments = {slow, broken};

  Captured out, err;
  const sp::report::RunInfo info = Info(plan, clock);
  Console console(false, info, out.file(), err.file(), false);
  console.Summary(end, total, names);
  CHECK(err.text().empty());
  std::string message;
  const bool matches = sp::reporters_test::MatchesBaseline("console_summary.txt", out.text(), &message);
  INFO(message);
  CHECK(matches);
}

TEST_CASE("the summary and live messages leave out secret values") {
  const sp::plan::Plan plan = MakePlan();
  sp::run::StageClock clock({Closed(5s, 10)});
  const sp::report::Redactor redactor(std::vector<sp::report::SecretValue>{{"API_TOKEN", "tok-123456"}});
  Captured out, err;
  const sp::report::RunInfo info = Info(plan, clock);
  Console console(false, info, out.file(), err.file(), false);
  console.SetRedactor(&redactor);
  console.Message("stressplan: warn: plugin command: inject command output: token tok-123456");
  sp::report::RunEnd end;
  end.duration_s = 5;
  sp::report::ExperimentReport x;
  x.result.name = "rotate tok-123456";
  x.result.fault = "command";
  x.result.message = "inject command failed: tok-123456 rejected";
  end.chaos.experiments = {x};
  sp::metrics::Recorder total = Second();
  console.Summary(end, total, {});
  CHECK(err.text() == "stressplan: warn: plugin command: inject command output: token [redacted]\n");
  CHECK(out.text().find("tok-123456") == std::string::npos);
  CHECK(out.text().find("rotate [redacted] (command)") != std::string::npos);
  CHECK(out.text().find("inject command failed: [redacted] rejected") != std::string::npos);
}

TEST_CASE("with workloads, the live line counts the running ones and the summary has a line each") {
  const sp::plan::Plan plan = MakePlan();
  sp::run::StageClock clock({Closed(10s, 20)});
  Captured out, err;
  const sp::report::RunInfo info = Info(plan, clock);
  Console console(false, info, out.file(), err.file(), true);
  sp::metrics::Recorder interval = Second();
  sp::report::SnapshotData s;
  s.second = 3;
  s.elapsed_s = 3.0;
  s.planned_users = 20;
  s.planned_rate = 100;
  s.active_users = 27;
  s.workloads.resize(3);
  s.workloads[0].started = s.workloads[1].started = true;  // the third one starts later
  console.Tick(s, interval, interval);
  CHECK(err.text() ==
        "\r\033[K[    3s/10s] workloads 2/3 running  users+running 27, planned users 20, rate "
        "100/s  50 req/s  "
        "p95 20.0 ms  errors 2 (total 2)");

  sp::report::RunEnd end;
  end.duration_s = 10.0;
  sp::report::StageResult open;
  open.open = true;
  open.workload = "api";
  open.index = 1;
  open.workload_stage = 0;
  open.planned_rate = 100;
  open.achieved_rate = 99.5;
  end.stages.push_back(open);
  sp::report::WorkloadResult api;
  api.name = "api";
  api.start_s = 2;
  api.duration_s = 5;
  api.stats = interval.stages()[0];  // 50 requests of 20 ms, 2 errors
  api.stats.iterations_completed = 50;
  end.workloads.push_back(api);
  const sp::plan::Threshold t = [] {
    sp::plan::Threshold x = T("error_rate < 1%");
    x.workload = "api";
    return x;
  }();
  sp::report::ThresholdResult verdict;
  verdict.threshold = &t;
  verdict.passed = false;
  verdict.observed_text = "4.000%";
  end.thresholds.push_back(verdict);
  console.Summary(end, interval, {});
  const std::string text = out.text();
  CHECK(text.find("\n  workload api (from 2.0s): requests 50 (10.0/s), errors 2 (4.00%), p50 ") !=
        std::string::npos);
  CHECK(text.find(" ms, iterations 50, dropped 0\n"
                  "    stage 0     open: 100.0/s planned, 99.5/s started, 0 dropped\n") !=
        std::string::npos);
  CHECK(text.find("  stage 1 ") == std::string::npos);  // not among the run's own stage lines
  CHECK(text.find("    FAIL error_rate < 1% for workload api: observed 4.000%\n") !=
        std::string::npos);
}
