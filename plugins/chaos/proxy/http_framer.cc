#include "plugins/chaos/proxy/http_framer.h"

#include <algorithm>
#include <cctype>

namespace sp::proxy {
namespace {

constexpr size_t kMaxHead = 64 * 1024;
constexpr size_t kMaxLine = 4096;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// True if the comma-separated list `value` (already lower case) contains `token`.
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (trim(value.substr(0, comma)) == token) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool parse_decimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

size_t HttpFramer::feed(std::string_view data, unsigned* events) {
  *events = 0;
  if (data.empty()) return 0;
  switch (state_) {
    case State::kHead:
      return feed_head(data, events);
    case State::kFixedBody:
    case State::kChunkData: {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
      remaining_ -= n;
      if (remaining_ == 0) {
        if (state_ == State::kChunkData) {
          state_ = State::kChunkDataEnd;
        } else {
          state_ = State::kHead;
          *events = kMessageComplete;
        }
      }
      return n;
    }
    case State::kChunkSize:
    case State::kChunkDataEnd:
    case State::kTrailer:
      return feed_line(data, events);
    case State::kUntilClose:
    case State::kOpaque:
      return data.size();
  }
  return data.size();
}

bool HttpFramer::finish_at_eof() {
  if (state_ != State::kUntilClose) return false;
  state_ = State::kHead;
  return true;
}

size_t HttpFramer::feed_head(std::string_view data, unsigned* events) {
  const size_t old = head_buf_.size();
  head_buf_.append(data);
  // Empty lines before a message are allowed (RFC 9112 2.2) and belong to no message.
  size_t lead = 0;
  while (lead < head_buf_.size() && (head_buf_[lead] == '\r' || head_buf_[lead] == '\n')) ++lead;
  size_t end = std::string::npos;
  for (size_t i = std::max(lead, old >= 3 ? old - 3 : size_t{0}); i < head_buf_.size(); ++i) {
    if (head_buf_[i] != '\n') continue;
    if (i >= 1 && head_buf_[i - 1] == '\n') { end = i + 1; break; }
    if (i >= 2 && head_buf_[i - 1] == '\r' && head_buf_[i - 2] == '\n') { end = i + 1; break; }
  }
  if (end == std::string::npos) {
    if (head_buf_.size() > kMaxHead) {
      *events = give_up();
    }
    return data.size();
  }
  const size_t consumed = end - old;
  head_buf_.resize(end);
  head_buf_.erase(0, lead);
  if (!parse_head()) {
    *events = give_up();
    return consumed;
  }
  head_buf_.clear();
  *events = kHeadComplete | start_body();
  return consumed;
}

bool HttpFramer::parse_head() {
  head_ = Head{};
  chunked_ = has_length_ = bad_transfer_encoding_ = false;
  content_length_ = 0;
  std::string_view rest(head_buf_);
  const size_t eol = rest.find('\n');
  const std::string_view first = trim(rest.substr(0, eol));
  rest.remove_prefix(eol + 1);
  const size_t sp1 = first.find(' ');
  if (sp1 == std::string_view::npos) return false;
  std::string_view version;
  if (role_ == Role::kRequest) {
    const size_t sp2 = first.rfind(' ');
    if (sp2 == sp1) return false;
    head_.method = std::string(first.substr(0, sp1));
    version = first.substr(sp2 + 1);
  } else {
    version = first.substr(0, sp1);
    uint64_t status = 0;
    if (!parse_decimal(first.substr(sp1 + 1, 3), &status) || status < 100 || status > 999) return false;
    head_.status = static_cast<int>(status);
  }
  if (version.substr(0, 7) != "HTTP/1.") return false;
  const bool http10 = version == "HTTP/1.0";
  bool keep_alive = false;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = trim(rest.substr(0, nl));
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const std::string name = lower(line.substr(0, colon));
    const std::string value = lower(trim(line.substr(colon + 1)));
    if (name == "content-length") {
      uint64_t n = 0;
      if (!parse_decimal(value, &n) || (has_length_ && n != content_length_)) return false;
      has_length_ = true;
      content_length_ = n;
    } else if (name == "transfer-encoding") {
      // Only a final "chunked" frames the body; anything else ends at close (responses) or
      // cannot be framed (requests).
      const size_t last_comma = value.rfind(',');
      const std::string_view last = trim(std::string_view(value).substr(last_comma == std::string::npos ? 0 : last_comma + 1));
      chunked_ = last == "chunked";
      bad_transfer_encoding_ = !chunked_;
    } else if (name == "connection") {
      head_.close = head_.close || has_token(value, "close");
      keep_alive = keep_alive || has_token(value, "keep-alive");
    } else if (name == "expect") {
      head_.expect_continue = value == "100-continue";
    }
  }
  if (http10 && !keep_alive) head_.close = true;
  return true;
}

unsigned HttpFramer::start_body() {
  const bool request = role_ == Role::kRequest;
  if (request && head_.method == "CONNECT") {
    state_ = State::kOpaque;  // a tunnel follows (the proxy cannot tell whether it was granted)
    return kMessageComplete;
  }
  if (!request) {
    const int s = head_.status;
    if (s == 101) {
      state_ = State::kOpaque;
      return kMessageComplete;
    }
    if (answers_head_ || s < 200 || s == 204 || s == 304) {
      state_ = State::kHead;
      return kMessageComplete;
    }
  }
  if (chunked_ || bad_transfer_encoding_) {
    if (bad_transfer_encoding_) {
      if (request) return give_up();
      state_ = State::kUntilClose;
      return 0;
    }
    state_ = State::kChunkSize;
    line_.clear();
    return 0;
  }
  if (has_length_) {
    if (content_length_ == 0) {
      state_ = State::kHead;
      return kMessageComplete;
    }
    remaining_ = content_length_;
    state_ = State::kFixedBody;
    return 0;
  }
  if (request) {
    state_ = State::kHead;
    return kMessageComplete;
  }
  state_ = State::kUntilClose;
  return 0;
}

size_t HttpFramer::feed_line(std::string_view data, unsigned* events) {
  const size_t nl = data.find('\n');
  const size_t n = nl == std::string_view::npos ? data.size() : nl + 1;
  line_.append(data.substr(0, n));
  if (line_.size() > kMaxLine) {
    *events = give_up();
    return n;
  }
  if (nl == std::string_view::npos) return n;
  const std::string_view line = trim(std::string_view(line_).substr(0, line_.size() - 1));
  switch (state_) {
    case State::kChunkSize: {
      const std::string_view hex = trim(line.substr(0, line.find(';')));
      uint64_t size = 0;
      if (hex.empty() || hex.size() > 15) {
        *events = give_up();
        return n;
      }
      for (char c : hex) {
        const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : (c >= 'a' && c <= 'f')                   ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F')                   ? c - 'A' + 10
                                                                 : -1;
        if (d < 0) {
          *events = give_up();
          return n;
        }
        size = size * 16 + static_cast<uint64_t>(d);
      }
      state_ = size == 0 ? State::kTrailer : State::kChunkData;
      remaining_ = size;
      break;
    }
    case State::kChunkDataEnd:
      if (!line.empty()) {
        *events = give_up();
        return n;
      }
      state_ = State::kChunkSize;
      break;
    case State::kTrailer:
      if (line.empty()) {
        state_ = State::kHead;
        *events = kMessageComplete;
      }
      break;
    default:
      break;
  }
  line_.clear();
  return n;
}

unsigned HttpFramer::give_up() {
  state_ = State::kOpaque;
  head_buf_.clear();
  line_.clear();
  return kOpaque;
}

}  // namespace sp::proxy
