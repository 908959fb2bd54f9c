// In-process plugins for the orchestrator's tests: a target, a fault and a reporter whose
// vtables live in this test binary (a Run finds them through RunSeams::plugins, and checks
// their descriptors like a library's), a log of every call the run made on them, in order, and
// a clock that goes faster than the wall, so a run of seconds takes a fraction of one.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <stressplan/target.h>

#include "core/plugin/host.h"

namespace sp::run_test {

// Every call the run made on a fake plugin, in the order it made them: "target.create",
// "fault.inject", "reporter.summary", ...
class CallLog {
 public:
  void Add(const std::string& call);
  std::vector<std::string> Calls() const;
  int Count(const std::string& call) const;
  // Where `call` first appears in Calls(), or -1.
  int IndexOf(const std::string& call) const;
  void Clear();

 private:
  mutable std::mutex mu_;
  std::vector<std::string> calls_;
};

// How the fake target behaves; set before the run, read by its calls.
struct TargetScript {
  uint64_t latency_ns =
      2'000'000;  // each request completes this long after its submit (host clock)
  sp_error_kind error = SP_E_NONE;  // what each completed request reports
  int status = 200;
  bool hold = false;  // requests complete only after `release`, or on cancel_all
  bool fail_worker_open = false;
  bool fail_preflight = false;
  std::atomic<bool> release{false};  // held requests complete (latency after this is seen)
  std::atomic<bool> broken{false};   // poll returns -1 (the worker is broken)
  std::atomic<uint64_t> submitted{0};
  std::atomic<uint64_t> completed{0};             // by poll, normally
  std::atomic<uint64_t> cancelled{0};             // by cancel_all, as interrupted
  std::atomic<uint64_t> submitted_after_stop{0};  // submits after `stop_seen` was set
  std::atomic<bool> stop_seen{false};             // set by the test when it interrupts the run
  // prctl(PR_GET_TIMERSLACK) of the thread that called poll last: the load thread's
  std::atomic<long> poll_timer_slack_ns{-1};
  // The process's descriptor table size (FDSize) when a worker opened, before the load starts.
  std::atomic<size_t> fd_table_at_worker_open{0};
  std::atomic<size_t> open_files_limit_at_worker_open{0};  // the soft RLIMIT_NOFILE then
};

struct FaultScript {
  std::atomic<bool> active{false};
  std::atomic<bool> fail_inject{false};
};

// One request the fake target was given: its user, its request step, when (host clock).
struct Submitted {
  uint64_t vu = 0;
  uint32_t request = 0;
  uint64_t at_ns = 0;
};

// The fakes' shared state, reset by Reset() before each run.
CallLog& Calls();
std::vector<Submitted> Submits();  // in the order the target got them
TargetScript& Target();
FaultScript& Fault();
// The JSON of each document the fake reporter received, in order.
std::vector<std::string> Documents();
void Reset();

// The entry functions of the three fakes (plugin names "fake_target", "fake_fault",
// "fake_reporter").
const sp_plugin_descriptor* FakeTargetEntry();
const sp_plugin_descriptor* FakeFaultEntry();
const sp_plugin_descriptor* FakeReporterEntry();

// The host clock going `factor` times faster than CLOCK_MONOTONIC, installed for its lifetime
// (plugin::SetClock): a 3 s profile takes 3/factor s.
class FastClock : public plugin::Clock {
 public:
  explicit FastClock(uint64_t factor);
  ~FastClock() override;
  uint64_t Now() const override;
  void Sleep(uint64_t ns) const override;

 private:
  uint64_t factor_;
  uint64_t origin_;
};

}  // namespace sp::run_test
