// The host side of sp_host_api: the functions every plugin may call (log, clock, events,
// name interning). One Host per run; each plugin object gets its own HostContext so that log
// lines and events carry the plugin's name.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <stressplan/plugin.h>

namespace sp::plugin {

// Monotonic nanoseconds: the one clock of every timestamp crossing the ABI.
uint64_t NowNs();
// Waits `ns` on that clock (the orchestrator's waits between its turns).
void SleepNs(uint64_t ns);

// Where NowNs and SleepNs read time: CLOCK_MONOTONIC unless a test installs another (the
// in-process run tests, tests/core/run/run_test.cc, run whole plans on a faster clock).
// Install before a run starts and remove after it ended: it is one for the whole process.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t Now() const = 0;
  virtual void Sleep(uint64_t ns) const = 0;
};
void SetClock(const Clock* clock);  // nullptr: CLOCK_MONOTONIC again

// Names to small ids, shared by the whole run (events, checks). Thread-safe.
class Interner {
 public:
  uint32_t Intern(const std::string& name);
  std::string Name(uint32_t id) const;  // "" for an unknown id
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

class Host;

// What host_ctx points to: the host plus who is calling.
struct HostContext {
  Host* host = nullptr;
  std::string plugin;  // plugin name, for log lines
};

class Host {
 public:
  using EventSink = std::function<void(const std::string& plugin, const std::string& name, double value)>;
  using LogSink = std::function<void(sp_log_level level, const std::string& line)>;

  Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const sp_host_api* api() const { return &api_; }
  // A context that lives as long as the Host; hand it to the plugin named `plugin`.
  void* Context(const std::string& plugin);

  Interner& interner() { return interner_; }
  // Where emit_event goes (the metrics bus); events before a sink is set are dropped and counted.
  void SetEventSink(EventSink sink);
  void SetLogSink(LogSink sink);
  // Applied to every log line before it is printed or handed to the sink: the run replaces
  // the plan's secret values there (core/report/redact.h). Set before any plugin runs.
  using LogRedaction = std::function<std::string(std::string line)>;
  void SetLogRedaction(LogRedaction redact);
  void SetMinLogLevel(sp_log_level level) { min_level_ = level; }

  // What service_pid / service_restart reach: the run's services (core/services/service_control).
  struct ServiceControl {
    std::function<int64_t(const std::string& name)> pid;
    std::function<bool(const std::string& name, std::string* err)> restart;
  };
  void SetServiceControl(ServiceControl control);
  // What service_declared answers (ABI 1.3): the names under the plan's `services:`. Set as
  // soon as the plan is known, before any plugin check, since validate starts no service.
  void SetDeclaredServices(std::vector<std::string> names);
  bool ServiceDeclared(const std::string& name);
  // What segment answers (ABI 1.5): the execution segment this run is (core/run/segment.h).
  // Set before any plugin check or create; 0 of 1 (the whole plan) until then.
  void SetSegment(uint32_t index, uint32_t count);
  void Segment(uint32_t* index, uint32_t* count) const;
  int64_t ServicePid(const std::string& name);
  bool ServiceRestart(const std::string& name, std::string* err);

  void Log(sp_log_level level, const std::string& who, const std::string& message);
  void Event(const std::string& who, const std::string& name, double value);

 private:
  sp_host_api api_{};
  Interner interner_;
  std::mutex mu_;
  std::vector<std::unique_ptr<HostContext>> contexts_;
  EventSink event_sink_;
  LogSink log_sink_;
  LogRedaction log_redaction_;
  ServiceControl services_;
  std::vector<std::string> declared_services_;
  std::atomic<int> min_level_{SP_LOG_INFO};
  std::atomic<uint32_t> segment_index_{0};
  std::atomic<uint32_t> segment_count_{1};
};

}  // namespace sp::plugin
