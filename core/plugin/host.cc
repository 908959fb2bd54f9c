#include "core/plugin/host.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace sp::plugin {

namespace {

std::atomic<const Clock*> installed_clock{nullptr};

}  // namespace

uint64_t NowNs() {
  if (const Clock* c = installed_clock.load(std::memory_order_acquire)) return c->Now();
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

void SleepNs(uint64_t ns) {
  if (const Clock* c = installed_clock.load(std::memory_order_acquire)) return c->Sleep(ns);
  std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
}

void SetClock(const Clock* clock) { installed_clock.store(clock, std::memory_order_release); }

uint32_t Interner::Intern(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(names_.size());
  names_.push_back(name);
  ids_.emplace(name, id);
  return id;
}

std::string Interner::Name(uint32_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return id < names_.size() ? names_[id] : std::string();
}

size_t Interner::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return names_.size();
}

namespace {

// The C functions behind sp_host_api. They never throw across the boundary.
Host* HostOf(void* ctx, std::string* who) {
  auto* c = static_cast<HostContext*>(ctx);
  if (c == nullptr) return nullptr;
  *who = c->plugin;
  return c->host;
}

void ApiLog(void* ctx, sp_log_level level, const char* message) noexcept {
  try {
    std::string who;
    if (Host* h = HostOf(ctx, &who)) h->Log(level, who, message ? message : "");
  } catch (...) {
  }
}

uint64_t ApiNow(void*) noexcept { return NowNs(); }

void ApiEmitEvent(void* ctx, const char* name, double value) noexcept {
  try {
    std::string who;
    if (Host* h = HostOf(ctx, &who); h && name) h->Event(who, name, value);
  } catch (...) {
  }
}

uint32_t ApiIntern(void* ctx, const char* name) noexcept {
  try {
    std::string who;
    if (Host* h = HostOf(ctx, &who); h && name) return h->interner().Intern(name);
  } catch (...) {
  }
  return UINT32_MAX;
}

int64_t ApiServicePid(void* ctx, const char* name) noexcept {
  try {
    std::string who;
    if (Host* h = HostOf(ctx, &who); h && name) return h->ServicePid(name);
  } catch (...) {
  }
  return -1;
}

sp_status ApiServiceRestart(void* ctx, const char* name, sp_error* err) noexcept {
  try {
    std::string who, why;
    Host* h = HostOf(ctx, &who);
    if (h && name && h->ServiceRestart(name, &why)) return SP_OK;
    if (err) std::snprintf(err->message, sizeof err->message, "%s", why.empty() ? "cannot restart" : why.c_str());
  } catch (...) {
  }
  return SP_ERROR;
}

int ApiServiceDeclared(void* ctx, const char* name) noexcept {
  try {
    std::string who;
    if (Host* h = HostOf(ctx, &who); h && name) return h->ServiceDeclared(name) ? 1 : 0;
  } catch (...) {
  }
  return 0;
}

void ApiSegment(void* ctx, uint32_t* index, uint32_t* count) noexcept {
  uint32_t i = 0, n = 1;
  if (auto* c = static_cast<HostContext*>(ctx); c != nullptr && c->host != nullptr)
    c->host->Segment(&i, &n);
  if (index) *index = i;
  if (count) *count = n;
}

const char* LevelName(sp_log_level level) {
  switch (level) {
    case SP_LOG_DEBUG: return "debug";
    case SP_LOG_INFO: return "info";
    case SP_LOG_WARN: return "warning";
    case SP_LOG_ERROR: return "error";
  }
  return "log";
}

}  // namespace

Host::Host() {
  api_.struct_size = sizeof(sp_host_api);
  api_.abi_major = SP_ABI_VERSION_MAJOR;
  api_.abi_minor = SP_ABI_VERSION_MINOR;
  api_.log = ApiLog;
  api_.now_ns = ApiNow;
  api_.emit_event = ApiEmitEvent;
  api_.intern = ApiIntern;
  api_.service_pid = ApiServicePid;
  api_.service_restart = ApiServiceRestart;
  api_.service_declared = ApiServiceDeclared;
  api_.segment = ApiSegment;
}

void Host::SetSegment(uint32_t index, uint32_t count) {
  segment_index_ = index;
  segment_count_ = count;
}

void Host::Segment(uint32_t* index, uint32_t* count) const {
  *index = segment_index_;
  *count = segment_count_;
}

void Host::SetDeclaredServices(std::vector<std::string> names) {
  std::lock_guard<std::mutex> lock(mu_);
  declared_services_ = std::move(names);
}

bool Host::ServiceDeclared(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return std::find(declared_services_.begin(), declared_services_.end(), name) !=
         declared_services_.end();
}

void Host::SetServiceControl(ServiceControl control) {
  std::lock_guard<std::mutex> lock(mu_);
  services_ = std::move(control);
}

int64_t Host::ServicePid(const std::string& name) {
  ServiceControl c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    c = services_;
  }
  return c.pid ? c.pid(name) : -1;
}

bool Host::ServiceRestart(const std::string& name, std::string* err) {
  ServiceControl c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    c = services_;
  }
  if (!c.restart) {
    *err = "this run started no services";
    return false;
  }
  return c.restart(name, err);
}

void* Host::Context(const std::string& plugin) {
  std::lock_guard<std::mutex> lock(mu_);
  contexts_.push_back(std::make_unique<HostContext>(HostContext{this, plugin}));
  return contexts_.back().get();
}

void Host::SetEventSink(EventSink sink) {
  std::lock_guard<std::mutex> lock(mu_);
  event_sink_ = std::move(sink);
}

void Host::SetLogSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(mu_);
  log_sink_ = std::move(sink);
}

void Host::SetLogRedaction(LogRedaction redact) {
  std::lock_guard<std::mutex> lock(mu_);
  log_redaction_ = std::move(redact);
}

void Host::Log(sp_log_level level, const std::string& who, const std::string& message) {
  if (level < min_level_.load()) return;
  std::string line = "stressplan: " + std::string(LevelName(level)) + ": plugin " + who + ": " + message;
  std::lock_guard<std::mutex> lock(mu_);
  if (log_redaction_) line = log_redaction_(std::move(line));
  if (log_sink_) {
    log_sink_(level, line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

void Host::Event(const std::string& who, const std::string& name, double value) {
  EventSink sink;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sink = event_sink_;
  }
  if (sink) sink(who, name, value);
}

}  // namespace sp::plugin
