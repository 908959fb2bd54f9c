#include "core/report/report_bus.h"

namespace sp::report {

ReportBus::ReportBus(std::vector<Reporter>* reporters, const Redactor* redactor, size_t capacity)
    : reporters_(reporters), redactor_(redactor), capacity_(capacity) {}

ReportBus::~ReportBus() {
  if (thread_.joinable()) Finish();
}

void ReportBus::Start() { thread_ = std::thread([this] { Loop(); }); }

bool ReportBus::Post(sp_document_kind kind, std::string json) {
  if (redactor_ != nullptr) json = redactor_->Apply(std::move(json));
  std::unique_lock<std::mutex> lock(mu_);
  bool droppable = kind == SP_DOC_SNAPSHOT || kind == SP_DOC_EVENT;
  if (queue_.size() >= capacity_) {
    if (droppable) {
      ++dropped_;
      return false;
    }
    // run_start and summary wait for room: they are what the reports are made of.
    space_cv_.wait(lock, [&] { return queue_.size() < capacity_; });
  }
  queue_.emplace_back(kind, std::move(json));
  cv_.notify_one();
  return true;
}

void ReportBus::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty() && closing_) break;
    auto doc = std::move(queue_.front());
    queue_.pop_front();
    space_cv_.notify_all();
    lock.unlock();
    Deliver(doc.first, doc.second);
    lock.lock();
  }
  lock.unlock();
  for (Reporter& r : *reporters_) {
    if (r.failed) continue;
    plugin::PluginError err;
    if (!r.instance.Finish(&err)) {
      r.failed = true;
      std::lock_guard<std::mutex> g(mu_);
      errors_.push_back(r.label +
                        " could not finish its report: " + err.MessageOr("no reason given"));
    }
  }
}

void ReportBus::Deliver(sp_document_kind kind, const std::string& json) {
  for (Reporter& r : *reporters_) {
    if (r.failed) continue;
    plugin::PluginError err;
    if (!r.instance.OnDocument(kind, json, &err)) {
      r.failed = true;
      std::lock_guard<std::mutex> g(mu_);
      errors_.push_back(r.label + " failed: " + err.MessageOr("no reason given"));
    }
  }
}

void ReportBus::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t ReportBus::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

std::vector<std::string> ReportBus::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

}  // namespace sp::report
