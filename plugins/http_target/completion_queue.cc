#include "plugins/http_target/completion_queue.h"

#include <algorithm>
#include <cstdio>

namespace sp::http {

CompletionQueue::CompletionQueue() {
  queue_.reserve(256);
  delivering_.reserve(256);
}

void CompletionQueue::Push(const Exchange& ex, sp_error_kind error, int status, uint64_t end_ns,
                           const char* detail_format, ...) {
  va_list args;
  va_start(args, detail_format);
  Vpush(ex, error, status, end_ns, detail_format, args);
  va_end(args);
}

void CompletionQueue::Vpush(const Exchange& ex, sp_error_kind error, int status, uint64_t end_ns,
                            const char* detail_format, va_list args) {
  Entry& e = queue_.emplace_back();
  e.result = sp_result{};
  e.result.struct_size = sizeof(sp_result);
  e.result.token = ex.token;
  e.result.error = error;
  e.result.status = status;
  e.result.start_ns = ex.start_ns;
  e.result.end_ns = end_ns;
  e.result.connect_ns = ex.connect_ns;
  e.result.ttfb_ns = ex.ttfb_ns;
  e.result.bytes_sent = ex.bytes_sent;
  e.result.bytes_received = ex.bytes_received;
  e.result.redirect = ex.redirect;
  e.event_count = 0;
  e.has_detail = detail_format != nullptr;
  if (e.has_detail) std::vsnprintf(e.detail, sizeof e.detail, detail_format, args);
}

void CompletionQueue::AnnotateLast(uint32_t failed_check, const uint32_t* events,
                                   size_t event_count) {
  if (queue_.empty()) return;
  Entry& e = queue_.back();
  e.result.failed_check = failed_check;
  e.event_count = std::min(event_count, kMaxResultEvents);
  std::copy(events, events + e.event_count, e.events);
}

void CompletionQueue::FlagLast(uint32_t flags) {
  if (!queue_.empty()) queue_.back().result.flags = flags;
}

void CompletionQueue::NoteLast(const std::string& detail) {
  if (queue_.empty() || queue_.back().has_detail || detail.empty()) return;
  Entry& e = queue_.back();
  e.has_detail = true;
  std::snprintf(e.detail, sizeof e.detail, "%s", detail.c_str());
}

int CompletionQueue::Deliver(const sp_worker_host& host) {
  // A `complete` that re-enters poll or cancel_all must not deliver underneath this loop.
  if (queue_.empty() || delivering_in_progress_) return 0;
  delivering_in_progress_ = true;
  delivering_.swap(queue_);
  for (Entry& e : delivering_) {
    e.result.detail = e.has_detail ? e.detail : nullptr;
    e.result.events = e.event_count > 0 ? e.events : nullptr;
    e.result.event_count = e.event_count;
    host.complete(host.ctx, &e.result);
  }
  const int n = static_cast<int>(delivering_.size());
  delivering_.clear();
  delivering_in_progress_ = false;
  return n;
}

}  // namespace sp::http
