#include "core/services/service_set.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <thread>

#include "core/services/health_check.h"
#include "core/services/log_tail.h"

namespace sp::services {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kProbeInterval(75);
constexpr milliseconds kProbeTimeout(1000);  // connect, send and receive, each
constexpr int kLogTailLines = 20;

std::string Who(const sp::plan::Service& s) {
  return "service '" + s.name + "' (" + (s.loc.file.empty() ? "plan" : s.loc.str()) + ")";
}

std::string Seconds(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

std::string LogSection(const std::string& log_path) {
  std::string tail = LogTail(log_path, kLogTailLines);
  if (tail.empty()) return "\nIts log " + log_path + " is empty.";
  return "\nLast lines of its log " + log_path + ":\n" + tail;
}

// A file name for the service: its name with anything but [A-Za-z0-9._-] replaced.
std::string FileSafe(const std::string& name) {
  std::string out = name.empty() ? "service" : name;
  for (char& c : out) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (out[0] == '.') out[0] = '_';
  return out;
}

}  // namespace

ServiceSet::ServiceSet(std::string log_dir)
    : log_dir_(log_dir.empty() ? DefaultLogDir() : std::move(log_dir)) {}

ServiceSet::~ServiceSet() { StopAll(); }

std::string ServiceSet::DefaultLogDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  return (std::filesystem::path(base) / ("stressplan-" + std::to_string(getpid()))).string();
}

std::string ServiceSet::LogPath(const std::string& name) const {
  return (std::filesystem::path(log_dir_) / (FileSafe(name) + ".log")).string();
}

bool ServiceSet::Start(const std::vector<sp::plan::Service>& services, std::string* err) {
  for (Entry& e : entries_) {
    if (e.child.Poll()) {
      *err = "services are already running (" + Who(e.service) + "); stop them first";
      return false;
    }
  }
  StopAll();  // reaps and forgets leftovers of an earlier Start
  entries_.clear();
  entries_.reserve(services.size());

  for (size_t i = 0; i < services.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (services[j].name == services[i].name) {
        *err = Who(services[i]) + ": the name is already used by the service at " +
               services[j].loc.str();
        return false;
      }
    }
    std::string why;
    if (!services[i].health_url.empty() && !CheckHealthUrl(services[i].health_url, &why)) {
      *err = Who(services[i]) + ": " + why;
      return false;
    }
  }
  if (!services.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(log_dir_, ec);
    if (ec) {
      *err = "cannot create the service log directory " + log_dir_ + ": " + ec.message();
      return false;
    }
  }
  for (const sp::plan::Service& s : services) {
    if (!StartOne(s, err)) return false;
  }
  return true;
}

bool ServiceSet::StartOne(const sp::plan::Service& s, std::string* err) {
  const std::string log_path = LogPath(s.name);
  SpawnRequest req{s.command, s.env, s.workdir, log_path};
  ChildProcess child;
  std::string why;
  if (!child.Spawn(req, &why)) {
    StopAll();
    *err = Who(s) + " cannot start: " + why;
    return false;
  }
  entries_.push_back(Entry{s, std::move(child), log_path});
  ChildProcess& running = entries_.back().child;

  const Clock::time_point started = Clock::now();
  const Clock::time_point deadline =
      started + std::chrono::duration_cast<Clock::duration>(s.start_timeout);
  std::string last_probe;
  for (;;) {
    if (!running.Poll()) {
      std::string status = DescribeWaitStatus(running.wait_status());
      StopAll();
      *err = Who(s) + " " + status + " " + Seconds(Clock::now() - started) +
             " after it was started" +
             (s.health_url.empty() ? "" : ", before " + s.health_url + " answered") + "." +
             LogSection(log_path);
      return false;
    }
    if (s.health_url.empty()) return true;
    Clock::time_point now = Clock::now();
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - now);
    milliseconds probe_timeout = std::clamp(remaining, milliseconds(50), kProbeTimeout);
    if (HttpGetOk(s.health_url, probe_timeout, &last_probe)) return true;
    now = Clock::now();
    if (now >= deadline) {
      StopAll();
      *err = Who(s) + " did not become healthy within " + Seconds(s.start_timeout) +
             ": the last GET " + s.health_url + " gave: " + last_probe + ". It was stopped." +
             LogSection(log_path);
      return false;
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(kProbeInterval, deadline - now));
  }
}

bool ServiceSet::Respawn(const std::string& name, std::string* err) {
  Entry* e = FindEntry(name);
  if (e == nullptr) {
    *err = "no service \"" + name + "\" was started by this run";
    return false;
  }
  if (e->child.Poll()) {
    *err = Who(e->service) + " is still running; only a service that exited can be started again";
    return false;
  }
  e->child.Stop(std::chrono::nanoseconds(0));  // members a killed leader left behind
  SpawnRequest req{e->service.command, e->service.env, e->service.workdir, e->log_path, /*append_log=*/true};
  ChildProcess child;
  std::string why;
  if (!child.Spawn(req, &why)) {
    *err = Who(e->service) + " cannot be started again: " + why;
    return false;
  }
  e->child = std::move(child);
  return true;
}

std::vector<std::string> ServiceSet::StopAll() {
  std::vector<std::string> killed;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (!it->child.Stop(it->service.stop_timeout)) continue;
    killed.push_back(Who(it->service) + " did not exit within its stop_timeout of " +
                     Seconds(it->service.stop_timeout) +
                     " after SIGTERM and was killed with SIGKILL; its log: " + it->log_path);
  }
  return killed;
}

ServiceSet::Entry* ServiceSet::FindEntry(const std::string& name) {
  for (Entry& e : entries_) {
    if (e.service.name == name) return &e;
  }
  return nullptr;
}

const ServiceSet::Entry* ServiceSet::FindEntry(const std::string& name) const {
  for (const Entry& e : entries_) {
    if (e.service.name == name) return &e;
  }
  return nullptr;
}

ServiceStatus ServiceSet::StatusOf(Entry& e) {
  ServiceStatus st;
  st.name = e.service.name;
  st.pid = e.child.pid();
  st.running = e.child.Poll();
  st.wait_status = e.child.wait_status();
  st.log_path = e.log_path;
  return st;
}

bool ServiceSet::IsAlive(const std::string& name) {
  Entry* e = FindEntry(name);
  return e != nullptr && e->child.Poll();
}

pid_t ServiceSet::Pid(const std::string& name) const {
  const Entry* e = FindEntry(name);
  return e != nullptr ? e->child.pid() : -1;
}

std::optional<ServiceStatus> ServiceSet::Status(const std::string& name) {
  Entry* e = FindEntry(name);
  if (e == nullptr) return std::nullopt;
  return StatusOf(*e);
}

std::vector<ServiceStatus> ServiceSet::StatusAll() {
  std::vector<ServiceStatus> out;
  for (Entry& e : entries_) out.push_back(StatusOf(e));
  return out;
}

}  // namespace sp::services
