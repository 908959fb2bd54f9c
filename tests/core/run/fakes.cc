#include "fakes.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include <stressplan/fault.h>
#include <stressplan/reporter.h>
#include <stressplan/target.h>

#include "core/run/fd_table.h"

namespace sp::run_test {
namespace {

std::mutex documents_mu;
std::vector<std::string> documents;
std::mutex submits_mu;
std::vector<Submitted> submits;

void RecordSubmit(const Submitted& s) {
  std::lock_guard<std::mutex> lock(submits_mu);
  submits.push_back(s);
}

uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

void SetMessage(sp_error* err, const char* message) {
  std::snprintf(err->message, sizeof err->message, "%s", message);
}

// ---- the target: requests complete `latency_ns` after submit, on the worker's poll ----

constexpr uint64_t kHeld = UINT64_MAX;

struct FakeTarget {
  const sp_host_api* host = nullptr;
  void* host_ctx = nullptr;
  uint64_t Now() const { return host->now_ns(host_ctx); }
};

struct Pending {
  uint64_t token = 0;
  uint64_t start_ns = 0;
  uint64_t due_ns = 0;
};

struct FakeWorker {
  FakeTarget* target = nullptr;
  sp_worker_host host{};
  std::vector<Pending> pending;
};

sp_status TargetCreate(const sp_host_api* host, void* host_ctx, const sp_options*,
                       const sp_request_spec*, size_t, void** instance, sp_error*) {
  Calls().Add("target.create");
  *instance = new FakeTarget{host, host_ctx};
  return SP_OK;
}

sp_status TargetPreflight(void*, sp_error* err) {
  Calls().Add("target.preflight");
  if (!Target().fail_preflight) return SP_OK;
  SetMessage(err, "the fake target refuses its preflight");
  return SP_ERROR;
}

sp_status TargetWorkerOpen(void* instance, const sp_worker_host* host, void** worker,
                           sp_error* err) {
  Calls().Add("target.worker_open");
  Target().fd_table_at_worker_open = sp::run::DescriptorTableSize();
  if (rlimit l{}; getrlimit(RLIMIT_NOFILE, &l) == 0)
    Target().open_files_limit_at_worker_open = l.rlim_cur;
  if (Target().fail_worker_open) {
    SetMessage(err, "the fake target refuses a worker");
    return SP_ERROR;
  }
  auto* w = new FakeWorker;
  w->target = static_cast<FakeTarget*>(instance);
  w->host = *host;
  *worker = w;
  return SP_OK;
}

sp_status TargetSubmit(void* worker, const sp_request* request, sp_error*) {
  auto* w = static_cast<FakeWorker*>(worker);
  TargetScript& t = Target();
  ++t.submitted;
  if (t.stop_seen.load()) ++t.submitted_after_stop;
  const uint64_t now = w->target->Now();
  w->pending.push_back({request->token, now, t.hold ? kHeld : now + t.latency_ns});
  RecordSubmit({request->vu, request->request, now});
  return SP_OK;
}

void Complete(FakeWorker* w, const Pending& p, sp_error_kind error, int status) {
  sp_result r{};
  r.struct_size = sizeof r;
  r.token = p.token;
  r.error = error;
  r.status = status;
  r.start_ns = p.start_ns;
  r.end_ns = std::max(p.start_ns, w->target->Now());
  r.failed_check = UINT32_MAX;
  w->host.complete(w->host.ctx, &r);
}

// Completes what is due at `now`; returns how many.
int CompleteDue(FakeWorker* w, uint64_t now) {
  TargetScript& t = Target();
  if (t.release.load()) {
    for (Pending& p : w->pending) {
      if (p.due_ns == kHeld) p.due_ns = now + t.latency_ns;
    }
  }
  std::vector<Pending> due;
  auto not_due = std::stable_partition(w->pending.begin(), w->pending.end(),
                                       [now](const Pending& p) { return p.due_ns > now; });
  due.assign(not_due, w->pending.end());
  w->pending.erase(not_due, w->pending.end());
  for (const Pending& p : due) {
    Complete(w, p, t.error, t.status);
    ++t.completed;
  }
  return static_cast<int>(due.size());
}

int TargetPoll(void* worker, uint64_t deadline_ns) {
  auto* w = static_cast<FakeWorker*>(worker);
  Target().poll_timer_slack_ns = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  for (;;) {
    if (Target().broken.load()) return -1;
    const uint64_t now = w->target->Now();
    if (int n = CompleteDue(w, now); n > 0) return n;
    if (now >= deadline_ns) return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

void TargetCancelAll(void* worker) {
  auto* w = static_cast<FakeWorker*>(worker);
  for (const Pending& p : w->pending) {
    Complete(w, p, SP_E_INTERRUPTED, 0);
    ++Target().cancelled;
  }
  w->pending.clear();
}

void TargetWorkerClose(void* worker) {
  Calls().Add("target.worker_close");
  delete static_cast<FakeWorker*>(worker);
}

void TargetDestroy(void* instance) {
  Calls().Add("target.destroy");
  delete static_cast<FakeTarget*>(instance);
}

const sp_target_vtable kTargetVtable = {sizeof(sp_target_vtable),
                                        nullptr,
                                        0,
                                        TargetCreate,
                                        TargetPreflight,
                                        TargetWorkerOpen,
                                        TargetSubmit,
                                        TargetPoll,
                                        TargetCancelAll,
                                        TargetWorkerClose,
                                        TargetDestroy,
                                        nullptr,
                                        nullptr};

const sp_plugin_descriptor kTargetDescriptor = {SP_DESCRIPTOR_HEADER,
                                                SP_KIND_TARGET,
                                                "fake_target",
                                                "1",
                                                "in-process test target",
                                                nullptr,
                                                0,
                                                &kTargetVtable,
                                                nullptr,
                                                nullptr,
                                                SP_ELEMENT_SIZES};

// ---- the fault: in while injected, out when reverted ----

int fault_token;  // the instance pointer: nothing to keep per instance

sp_status FaultCreate(const sp_host_api*, void*, const sp_options*, void** instance, sp_error*) {
  Calls().Add("fault.create");
  *instance = &fault_token;
  return SP_OK;
}

sp_status FaultInject(void*, sp_error* err) {
  Calls().Add("fault.inject");
  Fault().active.store(true);
  if (!Fault().fail_inject.load()) return SP_OK;
  SetMessage(err, "the fake fault went in half-way");
  return SP_ERROR;
}

sp_status FaultRevert(void*, sp_error*) {
  Calls().Add("fault.revert");
  Fault().active.store(false);
  return SP_OK;
}

int FaultIsActive(void*) { return Fault().active.load() ? 1 : 0; }

void FaultDestroy(void*) { Calls().Add("fault.destroy"); }

const sp_fault_vtable kFaultVtable = {sizeof(sp_fault_vtable),
                                      FaultCreate,
                                      FaultInject,
                                      FaultRevert,
                                      FaultIsActive,
                                      FaultDestroy,
                                      nullptr,
                                      0,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr,
                                      nullptr};

const sp_plugin_descriptor kFaultDescriptor = {SP_DESCRIPTOR_HEADER,
                                               SP_KIND_FAULT,
                                               "fake_fault",
                                               "1",
                                               "in-process test fault",
                                               nullptr,
                                               0,
                                               &kFaultVtable,
                                               nullptr,
                                               nullptr,
                                               SP_ELEMENT_SIZES};

// ---- the reporter: keeps every document ----

int reporter_token;

const char* DocumentName(sp_document_kind kind) {
  switch (kind) {
    case SP_DOC_RUN_START: return "run_start";
    case SP_DOC_SNAPSHOT: return "snapshot";
    case SP_DOC_EVENT: return "event";
    case SP_DOC_SUMMARY: return "summary";
  }
  return "unknown";
}

sp_status ReporterCreate(const sp_host_api*, void*, const sp_options*, void** instance, sp_error*) {
  Calls().Add("reporter.create");
  *instance = &reporter_token;
  return SP_OK;
}

sp_status ReporterOnDocument(void*, sp_document_kind kind, sp_str json, sp_error*) {
  Calls().Add(std::string("reporter.") + DocumentName(kind));
  std::lock_guard<std::mutex> lock(documents_mu);
  documents.emplace_back(json.ptr, json.len);
  return SP_OK;
}

sp_status ReporterFinish(void*, sp_error*) {
  Calls().Add("reporter.finish");
  return SP_OK;
}

void ReporterDestroy(void*) { Calls().Add("reporter.destroy"); }

const sp_reporter_vtable kReporterVtable = {sizeof(sp_reporter_vtable),
                                            ReporterCreate,
                                            ReporterOnDocument,
                                            ReporterFinish,
                                            ReporterDestroy,
                                            nullptr};

const sp_plugin_descriptor kReporterDescriptor = {SP_DESCRIPTOR_HEADER,
                                                  SP_KIND_REPORTER,
                                                  "fake_reporter",
                                                  "1",
                                                  "in-process test reporter",
                                                  nullptr,
                                                  0,
                                                  &kReporterVtable,
                                                  nullptr,
                                                  nullptr,
                                                  SP_ELEMENT_SIZES};

}  // namespace

void CallLog::Add(const std::string& call) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.push_back(call);
}

std::vector<std::string> CallLog::Calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

int CallLog::Count(const std::string& call) const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(std::count(calls_.begin(), calls_.end(), call));
}

int CallLog::IndexOf(const std::string& call) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::find(calls_.begin(), calls_.end(), call);
  return it == calls_.end() ? -1 : static_cast<int>(it - calls_.begin());
}

void CallLog::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.clear();
}

CallLog& Calls() {
  static CallLog log;
  return log;
}

TargetScript& Target() {
  static TargetScript script;
  return script;
}

FaultScript& Fault() {
  static FaultScript script;
  return script;
}

std::vector<std::string> Documents() {
  std::lock_guard<std::mutex> lock(documents_mu);
  return documents;
}

std::vector<Submitted> Submits() {
  std::lock_guard<std::mutex> lock(submits_mu);
  return submits;
}

void Reset() {
  Calls().Clear();
  {
    std::lock_guard<std::mutex> lock(submits_mu);
    submits.clear();
  }
  TargetScript& t = Target();
  t.latency_ns = 2'000'000;
  t.error = SP_E_NONE;
  t.status = 200;
  t.hold = t.fail_worker_open = t.fail_preflight = false;
  t.release = t.broken = t.stop_seen = false;
  t.submitted = t.completed = t.cancelled = t.submitted_after_stop = 0;
  t.poll_timer_slack_ns = -1;
  t.fd_table_at_worker_open = 0;
  t.open_files_limit_at_worker_open = 0;
  Fault().active = Fault().fail_inject = false;
  std::lock_guard<std::mutex> lock(documents_mu);
  documents.clear();
}

const sp_plugin_descriptor* FakeTargetEntry() { return &kTargetDescriptor; }
const sp_plugin_descriptor* FakeFaultEntry() { return &kFaultDescriptor; }
const sp_plugin_descriptor* FakeReporterEntry() { return &kReporterDescriptor; }

FastClock::FastClock(uint64_t factor) : factor_(factor), origin_(MonotonicNs()) {
  plugin::SetClock(this);
}

FastClock::~FastClock() { plugin::SetClock(nullptr); }

uint64_t FastClock::Now() const { return origin_ + (MonotonicNs() - origin_) * factor_; }

void FastClock::Sleep(uint64_t ns) const {
  std::this_thread::sleep_for(std::chrono::nanoseconds(ns / factor_));
}

}  // namespace sp::run_test
