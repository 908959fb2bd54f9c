// The HTTP side of a connection: following request and response framing so that the http_*
// toxics are decided for every request, and the proxy's own answers (http_abort) go out in
// the order the client sent its requests.
#include <string>

#include "plugins/chaos/proxy/connection.h"

namespace sp::proxy {

void Connection::http_data(int flow, std::string_view data, uint64_t now_ns) {
  HttpFramer& framer = flow == kClient ? requests_ : responses_;
  while (!data.empty()) {
    if (framer.opaque()) {
      shape(flow, data, flow == kClient ? request_delay_ns_ : 0, now_ns);
      return;
    }
    if (flow == kServer && responses_.in_head()) {
      // The response that starts now answers the oldest request the upstream has seen.
      bool head = false;
      for (const Exchange& e : exchanges_) {
        if (!e.answered_by_proxy) {
          head = e.head;
          break;
        }
      }
      responses_.set_answers_head(head);
    }
    const bool was_head = framer.in_head();
    unsigned events = 0;
    const size_t n = framer.feed(data, &events);
    const std::string_view segment = data.substr(0, n);
    data.remove_prefix(n);
    if (events & HttpFramer::kOpaque) {
      if (flow == kClient) {
        request_head_.append(segment);
        shape(kClient, request_head_, request_delay_ns_, now_ns);
        request_head_.clear();
      } else {
        shape(kServer, segment, 0, now_ns);
      }
      stop_framing(now_ns);
      continue;
    }
    if (flow == kServer) {
      shape(kServer, segment, 0, now_ns);
      if (events & HttpFramer::kMessageComplete) response_done(now_ns);
      continue;
    }
    if (was_head) {
      request_head_.append(segment);
    } else if (!dropping_request_) {
      shape(kClient, segment, request_delay_ns_, now_ns);
    }
    if (events & HttpFramer::kHeadComplete) begin_request(now_ns);
    if (events & HttpFramer::kMessageComplete) end_request(now_ns);
    if (closed_) return;
  }
}

void Connection::begin_request(uint64_t now_ns) {
  const HttpFramer::Head& head = requests_.head();
  const ToxicSpec* abort_spec = nullptr;
  uint64_t delay = 0;
  // Every HTTP toxic is drawn for every request, in injection order; the first abort wins.
  for (const Binding& b : bindings_) {
    const ToxicSpec& s = b.toxic->spec;
    if (!s.is_http() || !ctx_->chance(s.probability)) continue;
    if (s.kind == ToxicKind::kHttpAbort && abort_spec == nullptr) abort_spec = &s;
    if (s.kind == ToxicKind::kHttpDelay) delay += s.delay_ns;
  }
  Exchange e;
  if (abort_spec != nullptr) {
    dropping_request_ = true;
    e.answered_by_proxy = true;
    // A client waiting for "100 Continue" gets the answer at once; as it may or may not
    // send the body then, the connection cannot be framed further and closes after it.
    e.ready = head.expect_continue;
    e.close_after = head.close || head.expect_continue;
    e.answer = abort_spec->abort_head;
    if (e.close_after) e.answer += "Connection: close\r\n";
    e.answer += "\r\n";
    if (head.method != "HEAD") e.answer += abort_spec->abort_body;
    request_head_.clear();
    exchanges_.push_back(std::move(e));
    send_ready_answers(now_ns);
    return;
  }
  dropping_request_ = false;
  request_delay_ns_ = delay;
  e.head = head.method == "HEAD";
  e.connect = head.method == "CONNECT";
  exchanges_.push_back(std::move(e));
  shape(kClient, request_head_, request_delay_ns_, now_ns);
  request_head_.clear();
}

void Connection::end_request(uint64_t now_ns) {
  if (dropping_request_ && !exchanges_.empty()) {
    exchanges_.back().ready = true;
    send_ready_answers(now_ns);
  }
  dropping_request_ = false;
  request_delay_ns_ = 0;
}

void Connection::response_done(uint64_t now_ns) {
  const int status = responses_.head().status;
  if (status >= 100 && status < 200 && status != 101) return;  // informational: more follows
  bool tunnel = status == 101;
  for (auto it = exchanges_.begin(); it != exchanges_.end(); ++it) {
    if (it->answered_by_proxy) continue;
    tunnel = tunnel || (it->connect && status >= 200 && status < 300);
    exchanges_.erase(it);
    break;
  }
  send_ready_answers(now_ns);
  if (tunnel) stop_framing(now_ns);
}

void Connection::send_ready_answers(uint64_t now_ns) {
  while (!exchanges_.empty() && exchanges_.front().answered_by_proxy && exchanges_.front().ready) {
    const Exchange& e = exchanges_.front();
    // After what the upstream already answered (Flow keeps the order), not shaped again.
    flows_[kServer].push(e.answer, {{e.answer.size(), now_ns}}, now_ns);
    if (e.close_after) start_closing();
    exchanges_.pop_front();
  }
}

void Connection::stop_framing(uint64_t now_ns) {
  requests_.make_opaque();
  responses_.make_opaque();
  dropping_request_ = false;
  // Answers the proxy owes go out; requests still waiting for the upstream are its business.
  for (Exchange& e : exchanges_) e.ready = e.ready || e.answered_by_proxy;
  std::deque<Exchange> owed;
  for (Exchange& e : exchanges_) {
    if (e.answered_by_proxy) owed.push_back(std::move(e));
  }
  exchanges_.swap(owed);
  send_ready_answers(now_ns);
  exchanges_.clear();
}

}  // namespace sp::proxy
