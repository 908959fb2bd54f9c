// Results waiting to be handed to the host. Every completion goes through here, so the host's
// `complete` runs only from poll/cancel_all, never from submit, and never while the worker is
// half-way through an event: a `complete` that submits again finds the worker consistent.
#pragma once

#include <cstdarg>
#include <string>
#include <vector>

#include "plugins/http_target/connection.h"
#include "plugins/http_target/response_outcome.h"
#include "stressplan/target.h"

namespace sp::http {

class CompletionQueue {
 public:
  CompletionQueue();

  // Queues the outcome of `ex`. `detail_format` (printf-style, may be nullptr) is rendered
  // into storage the queue owns until the result is delivered.
  void Push(const Exchange& ex, sp_error_kind error, int status, uint64_t end_ns,
            const char* detail_format, ...) __attribute__((format(printf, 6, 7)));
  void Vpush(const Exchange& ex, sp_error_kind error, int status, uint64_t end_ns,
             const char* detail_format, va_list args) __attribute__((format(printf, 6, 0)));

  // Hands every result queued so far to host.complete and returns how many. Results queued
  // by a `complete` callback wait for the next call.
  int Deliver(const sp_worker_host& host);

  bool empty() const { return queue_.empty(); }

  // Adds the first failed check and the events checks and rules found to the result pushed
  // last (at most kMaxResultEvents events).
  void AnnotateLast(uint32_t failed_check, const uint32_t* events, size_t event_count);
  // Sets sp_result.flags (SP_RESULT_MORE) of the result pushed last.
  void FlagLast(uint32_t flags);
  // Gives the result pushed last `detail` when it has none (and `detail` is not empty).
  void NoteLast(const std::string& detail);

 private:
  struct Entry {
    sp_result result;
    bool has_detail;
    char detail[192];
    size_t event_count;
    uint32_t events[kMaxResultEvents];
  };
  std::vector<Entry> queue_;
  std::vector<Entry> delivering_;
  bool delivering_in_progress_ = false;
};

}  // namespace sp::http
