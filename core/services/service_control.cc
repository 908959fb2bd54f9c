#include "core/services/service_control.h"

#include <chrono>
#include <thread>

#include "core/services/health_check.h"

namespace sp::services {

int64_t ServiceControl::Pid(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (set_->Find(name) == nullptr || !set_->IsAlive(name)) return -1;
  return set_->Pid(name);
}

bool ServiceControl::Restart(const std::string& name, std::string* err) {
  if (std::this_thread::get_id() == main_) {
    // Waiting here for the main thread's own Pump would never end.
    *err = "service_restart is for the chaos thread (a fault's inject/revert), not the main thread";
    return false;
  }
  Request req;
  req.name = name;
  std::unique_lock<std::mutex> lock(mu_);
  const plan::Service* service = set_->Find(name);
  if (service == nullptr) {
    *err = "no service \"" + name + "\" was started by this run";
    return false;
  }
  if (closed_) {
    *err = "the run is ending; service \"" + name + "\" is not started again";
    return false;
  }
  const std::string health = service->health_url;
  const auto timeout = service->start_timeout;
  queue_.push_back(&req);
  cv_.wait(lock, [&] { return req.done; });
  lock.unlock();
  if (!req.ok) {
    *err = req.err;
    return false;
  }
  if (health.empty()) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    if (services::HttpGetOk(health, std::chrono::milliseconds(500), &last)) return true;
    if (Pid(name) < 0) {
      *err = "service \"" + name + "\" exited again right after its restart (see its log)";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(75));
  }
  *err = "service \"" + name + "\" did not become healthy within its start_timeout after the restart: " + last;
  return false;
}

void ServiceControl::Pump() {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) return;
  while (!queue_.empty()) {
    Request* r = queue_.front();
    queue_.pop_front();
    r->ok = set_->Respawn(r->name, &r->err);
    r->done = true;
  }
  cv_.notify_all();
}

void ServiceControl::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  for (Request* r : queue_) {
    r->err = "the run is ending; service \"" + r->name + "\" is not started again";
    r->done = true;
  }
  queue_.clear();
  cv_.notify_all();
}

}  // namespace sp::services
