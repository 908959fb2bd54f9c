#include "plugins/chaos/proxy/http_framer.h"

#include "lib/http1/syntax.h"

namespace sp::proxy {

using Result = http1::Parser::Result;

HttpFramer::HttpFramer(Role role)
    : parser_(role == Role::kRequest ? http1::Parser::Role::kRequest
                                     : http1::Parser::Role::kResponse,
              http1::Parser::Limits{kMaxHead, kMaxHead}) {
  parser_.SetSink(this);
  parser_.SetStopAfterHead(true);
}

size_t HttpFramer::Feed(std::string_view data, unsigned* events) {
  *events = 0;
  if (data.empty()) return 0;
  if (opaque_) return data.size();
  if (!carry_.empty()) return FeedCarried(data, events);
  const bool was_in_head = parser_.InHead();
  size_t used = 0;
  const Result result = parser_.Feed(data.data(), data.size(), &used);
  if (result == Result::kNeedMore) {
    carry_.assign(data.substr(used));  // an incomplete line: the parser wants it whole
    return data.size();
  }
  *events = OnResult(result, was_in_head);
  // Given up: where exactly no longer matters, everything from here on is passed through.
  return result == Result::kError ? data.size() : used;
}

size_t HttpFramer::FeedCarried(std::string_view data, unsigned* events) {
  const size_t nl = data.find('\n');
  const size_t take = nl == std::string_view::npos ? data.size() : nl + 1;
  carry_.append(data.substr(0, take));
  const bool was_in_head = parser_.InHead();
  size_t used = 0;
  const Result result = parser_.Feed(carry_.data(), carry_.size(), &used);
  if (result == Result::kNeedMore) {
    carry_.erase(0, used);  // the whole line (used == size) or nothing (still incomplete)
    return take;
  }
  carry_.clear();
  *events = OnResult(result, was_in_head);  // the carried line ended at `Take`
  return take;
}

unsigned HttpFramer::OnResult(Result result, bool was_in_head) {
  if (result == Result::kError) {
    MakeOpaque();
    return kOpaque;
  }
  unsigned events = 0;
  if (was_in_head) {
    events |= kHeadComplete;
    head_.status = parser_.status();
    head_.close = !parser_.keep_alive();
  }
  if (result == Result::kDone) {
    events |= kMessageComplete;
    if (parser_.upgraded()) {
      opaque_ = true;  // a tunnel (CONNECT) or another protocol (101) follows
    } else {
      parser_.Reset();
    }
  }
  return events;
}

bool HttpFramer::FinishAtEof() {
  if (opaque_ || !parser_.ReadsUntilClose()) return false;
  parser_.Finish();
  parser_.Reset();
  return true;
}

void HttpFramer::MakeOpaque() {
  opaque_ = true;
  carry_.clear();
}

void HttpFramer::OnRequestLine(std::string_view method, std::string_view /*target*/) {
  head_ = Head{};
  head_.method.assign(method);
}

void HttpFramer::OnHeader(std::string_view name, std::string_view value) {
  if (http1::IEquals(name, "expect")) head_.expect_continue = http1::IEquals(value, "100-continue");
}

}  // namespace sp::proxy
