// The run's services as fault plugins reach them (sp_host_api service_pid / service_restart).
// A service must be spawned by the main thread: its parent-death signal is tied to the thread
// that forked it (child_process.h). So a restart asked for on the chaos thread is queued, the
// main thread spawns it on its next Pump (every few milliseconds), and the chaos thread then
// waits for the service's health itself, keeping the main thread's one-second loop on time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "core/services/service_set.h"

namespace sp::services {

class ServiceControl {
 public:
  // Constructed on the main thread, the one that Pumps.
  explicit ServiceControl(services::ServiceSet* set) : set_(set), main_(std::this_thread::get_id()) {}

  int64_t Pid(const std::string& name);  // any thread; -1 when not running
  // Chaos thread: respawn through the main thread, then wait for health (start_timeout).
  bool Restart(const std::string& name, std::string* err);
  // Main thread: performs queued respawns.
  void Pump();
  // No more Pumps will come (the run is ending): pending and later restarts fail at once.
  void Close();

 private:
  struct Request {
    std::string name;
    bool done = false;
    bool ok = false;
    std::string err;
  };
  services::ServiceSet* set_;
  std::thread::id main_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request*> queue_;
  bool closed_ = false;
};

}  // namespace sp::services
