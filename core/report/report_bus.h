// The metrics bus's last leg: documents flow through a bounded queue to one bus thread, which
// hands each to every reporter plugin. The load never waits on a reporter: when the queue is
// full a snapshot or event is dropped and counted; run_start and summary are never dropped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/plan/options.h"
#include "core/plan/plan.h"
#include "core/plugin/loader.h"
#include "core/plugin/reporter_instance.h"
#include "core/report/redact.h"

namespace sp::report {

// A reporter of the plan: its plugin, its options and (once created) its instance.
struct Reporter {
  const plugin::Plugin* plugin = nullptr;
  plugin::ReporterInstance instance;     // destroyed with the Reporter
  const plan::PluginRef* ref = nullptr;  // the plan's entry, for located errors
  std::string label;  // "reporter json (plans/full.yaml:40:5)"
  plan::ResolvedOptions options;
  bool failed = false;  // a call failed; it gets no more documents
};

class ReportBus {
 public:
  // Every document passes through `redactor` before it is queued (redact.h).
  ReportBus(std::vector<Reporter>* reporters, const Redactor* redactor, size_t capacity = 1024);
  ~ReportBus();

  void Start();
  // Queues a document; returns false if it was dropped (queue full, droppable kind).
  bool Post(sp_document_kind kind, std::string json);
  // Delivers everything queued, calls every reporter's finish, joins the bus thread.
  void Finish();

  uint64_t dropped() const;
  // Errors reporters returned (each already names the reporter).
  std::vector<std::string> errors() const;

 private:
  void Loop();
  void Deliver(sp_document_kind kind, const std::string& json);

  std::vector<Reporter>* reporters_;
  const Redactor* redactor_;
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable space_cv_;
  std::deque<std::pair<sp_document_kind, std::string>> queue_;
  bool closing_ = false;
  uint64_t dropped_ = 0;
  std::vector<std::string> errors_;
  std::thread thread_;
};

}  // namespace sp::report
