// The HTTP side of a connection: following request and response framing so that the http_*
// toxics are decided for every request, and the proxy's own answers (http_abort) go out in
// the order the client sent its requests.
#include <string>

#include "plugins/chaos/proxy/connection.h"

namespace sp::proxy {

void Connection::HttpData(int flow, std::string_view data, uint64_t now_ns) {
  HttpFramer& framer = flow == kClient ? requests_ : responses_;
  while (!data.empty()) {
    if (framer.opaque()) {
      Shape(flow, data, flow == kClient ? request_delay_ns_ : 0, now_ns);
      return;
    }
    if (flow == kServer && responses_.InHead()) {
      // The response that starts now answers the oldest request the upstream has seen.
      bool head = false;
      for (const Exchange& e : exchanges_) {
        if (!e.answered_by_proxy) {
          head = e.head;
          break;
        }
      }
      responses_.SetAnswersHead(head);
    }
    const bool was_head = framer.InHead();
    unsigned events = 0;
    const size_t n = framer.Feed(data, &events);
    const std::string_view segment = data.substr(0, n);
    data.remove_prefix(n);
    if (events & HttpFramer::kOpaque) {
      if (flow == kClient) {
        request_head_.append(segment);
        Shape(kClient, request_head_, request_delay_ns_, now_ns);
        request_head_.clear();
      } else {
        Shape(kServer, segment, 0, now_ns);
      }
      StopFraming(now_ns);
      continue;
    }
    if (flow == kServer) {
      Shape(kServer, segment, 0, now_ns);
      if (events & HttpFramer::kMessageComplete) ResponseDone(now_ns);
      continue;
    }
    if (was_head) {
      request_head_.append(segment);
    } else if (!dropping_request_) {
      Shape(kClient, segment, request_delay_ns_, now_ns);
    }
    if (events & HttpFramer::kHeadComplete) BeginRequest(now_ns);
    if (events & HttpFramer::kMessageComplete) EndRequest(now_ns);
    if (closed_) return;
  }
}

void Connection::BeginRequest(uint64_t now_ns) {
  const HttpFramer::Head& head = requests_.head();
  const ToxicSpec* abort_spec = nullptr;
  uint64_t delay = 0;
  // Every HTTP toxic is drawn for every request, in injection order; the first abort wins.
  for (const Binding& b : bindings_) {
    const ToxicSpec& s = b.toxic->spec;
    if (!s.IsHttp() || !ctx_->Chance(s.probability)) continue;
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
    SendReadyAnswers(now_ns);
    return;
  }
  dropping_request_ = false;
  request_delay_ns_ = delay;
  e.head = head.method == "HEAD";
  e.connect = head.method == "CONNECT";
  exchanges_.push_back(std::move(e));
  Shape(kClient, request_head_, request_delay_ns_, now_ns);
  request_head_.clear();
}

void Connection::EndRequest(uint64_t now_ns) {
  if (dropping_request_ && !exchanges_.empty()) {
    exchanges_.back().ready = true;
    SendReadyAnswers(now_ns);
  }
  dropping_request_ = false;
  request_delay_ns_ = 0;
}

void Connection::ResponseDone(uint64_t now_ns) {
  const int status = responses_.head().status;
  if (status >= 100 && status < 200 && status != 101) return;  // informational: more follows
  bool tunnel = status == 101;
  for (auto it = exchanges_.begin(); it != exchanges_.end(); ++it) {
    if (it->answered_by_proxy) continue;
    tunnel = tunnel || (it->connect && status >= 200 && status < 300);
    exchanges_.erase(it);
    break;
  }
  SendReadyAnswers(now_ns);
  if (tunnel) StopFraming(now_ns);
}

void Connection::SendReadyAnswers(uint64_t now_ns) {
  while (!exchanges_.empty() && exchanges_.front().answered_by_proxy && exchanges_.front().ready) {
    const Exchange& e = exchanges_.front();
    // After what the upstream already answered (Flow keeps the order), not shaped again.
    flows_[kServer].Push(e.answer, {{e.answer.size(), now_ns}}, now_ns);
    if (e.close_after) StartClosing();
    exchanges_.pop_front();
  }
}

void Connection::StopFraming(uint64_t now_ns) {
  requests_.MakeOpaque();
  responses_.MakeOpaque();
  dropping_request_ = false;
  // Answers the proxy owes go out; requests still waiting for the upstream are its business.
  for (Exchange& e : exchanges_) e.ready = e.ready || e.answered_by_proxy;
  std::deque<Exchange> owed;
  for (Exchange& e : exchanges_) {
    if (e.answered_by_proxy) owed.push_back(std::move(e));
  }
  exchanges_.swap(owed);
  SendReadyAnswers(now_ns);
  exchanges_.clear();
}

}  // namespace sp::proxy
