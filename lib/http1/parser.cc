#include "lib/http1/parser.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "lib/http1/syntax.h"

namespace sp::http1 {
namespace {

constexpr uint64_t kMaxBodyLength = uint64_t{1} << 62;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls fn(element) for each non-empty element of a comma-separated list, OWS trimmed.
template <class Fn>
void ForEachListElement(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = TrimOws(list.substr(0, comma));
    if (!item.empty()) fn(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// "HTTP/" DIGIT "." DIGIT at p (8 bytes).
bool IsVersion(const char* p) {
  return std::memcmp(p, "HTTP/", 5) == 0 && IsDigit(p[5]) && p[6] == '.' && IsDigit(p[7]);
}

}  // namespace

void Parser::Reset(bool head_request) {
  const Role role = role_;
  const Limits limits = limits_;
  const bool stop_after_head = stop_after_head_;
  MessageSink* sink = sink_;
  *this = Parser(role, limits);
  stop_after_head_ = stop_after_head;
  sink_ = sink;
  head_request_ = head_request;
}

Parser::Result Parser::Fail(const char* why) {
  state_ = State::kError;
  error_ = why;
  keep_alive_ = false;
  return Result::kError;
}

bool Parser::Refuse(const char* why) {
  Fail(why);
  return false;
}

Parser::Result Parser::Feed(const char* data, size_t len, size_t* consumed) {
  size_t pos = 0;
  *consumed = 0;
  while (true) {
    switch (state_) {
      case State::kDone:
        *consumed = pos;
        return Result::kDone;
      case State::kError:
        *consumed = pos;
        return Result::kError;
      case State::kBody:
      case State::kChunkData: {
        const uint64_t take = std::min<uint64_t>(remaining_, len - pos);
        if (sink_ != nullptr && take > 0) sink_->OnBody(data + pos, static_cast<size_t>(take));
        pos += take;
        remaining_ -= take;
        body_bytes_ += take;
        if (remaining_ == 0) {
          state_ = state_ == State::kBody ? State::kDone : State::kChunkDataEnd;
          continue;
        }
        *consumed = pos;
        return Result::kNeedMore;
      }
      case State::kBodyUntilClose:
        if (sink_ != nullptr && len > pos) sink_->OnBody(data + pos, len - pos);
        body_bytes_ += len - pos;
        *consumed = len;
        return Result::kNeedMore;
      default:
        break;
    }

    // Line-oriented states: the start line, headers, chunk framing and trailers.
    const char* start = data + pos;
    const size_t avail = len - pos;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', avail));
    if (nl == nullptr) {
      *consumed = pos;
      return OnPartialLine(start, avail);
    }
    const size_t line_len = static_cast<size_t>(nl - start) + 1;
    if (line_len > limits_.max_line + 1) return Fail("line too long");
    size_t n = line_len - 1;
    if (n > 0 && start[n - 1] == '\r') --n;
    pos += line_len;
    const bool may_stop = stop_after_head_ && InHead();
    if (!OnLine(start, n, line_len)) {
      *consumed = pos;
      return Result::kError;
    }
    if (may_stop && !InHead() && state_ != State::kDone) {
      *consumed = pos;
      return Result::kHeadDone;
    }
  }
}

Parser::Result Parser::OnPartialLine(const char* p, size_t avail) {
  if (avail > limits_.max_line) return Fail("line too long");
  // Reject a reply that cannot be HTTP as soon as its first bytes show it. A CR at the end may
  // be the start of the line's CRLF, which OnStatusLine does not look at: leave it out, or
  // "HTT\r" + "\n" would fail differently from "HTT\r\n" (found by fuzzing).
  const size_t seen = avail > 0 && p[avail - 1] == '\r' ? avail - 1 : avail;
  if (role_ == Role::kResponse && state_ == State::kStartLine &&
      std::memcmp(p, "HTTP/", std::min<size_t>(seen, 5)) != 0) {
    return Fail("not an HTTP response");
  }
  return Result::kNeedMore;
}

bool Parser::OnLine(const char* p, size_t n, size_t line_len) {
  switch (state_) {
    case State::kStartLine:
      head_bytes_ += line_len;
      if (role_ == Role::kResponse) return OnStatusLine(p, n);
      if (head_bytes_ > limits_.max_head) return Refuse("request head too large");
      return n == 0 || OnRequestLine(p, n);  // empty lines before a request are ignored
    case State::kHeaderLine:
      head_bytes_ += line_len;
      if (head_bytes_ > limits_.max_head) {
        return Refuse(role_ == Role::kResponse ? "response head too large"
                                               : "request head too large");
      }
      return n == 0 ? OnHeadEnd() : OnHeaderLine(p, n);
    case State::kChunkSize:
      return OnChunkSizeLine(p, n);
    case State::kChunkDataEnd:
      if (n != 0) return Refuse("chunk data not followed by CRLF");
      state_ = State::kChunkSize;
      return true;
    case State::kTrailer:
      head_bytes_ += line_len;  // head and trailers together
      if (head_bytes_ > limits_.max_head) {
        return Refuse(role_ == Role::kResponse ? "response trailers too large"
                                               : "request trailers too large");
      }
      return OnTrailerLine(p, n);
    default:
      return true;
  }
}

bool Parser::OnStatusLine(const char* p, size_t n) {
  // HTTP/1.x SP 3DIGIT [SP reason]
  // Same test as on a partial line in Feed, so the error does not depend on how bytes split.
  if (std::memcmp(p, "HTTP/", std::min<size_t>(n, 5)) != 0) {
    return Refuse("not an HTTP response");
  }
  if (n < 12 || !IsVersion(p) || p[8] != ' ') return Refuse("malformed status line");
  if (p[5] != '1') return Refuse("unsupported HTTP version");
  if (!IsDigit(p[9]) || !IsDigit(p[10]) || !IsDigit(p[11]) || (n > 12 && p[12] != ' ')) {
    return Refuse("malformed status code");
  }
  minor_version_ = p[7] - '0';
  status_ = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
  if (status_ < 100) return Refuse("malformed status code");
  state_ = State::kHeaderLine;
  if (sink_ != nullptr)
    sink_->OnStatusLine(status_, n > 13 ? std::string_view(p + 13, n - 13) : "");
  return true;
}

bool Parser::OnRequestLine(const char* p, size_t n) {
  // method SP request-target SP HTTP/1.x
  const std::string_view line(p, n);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || n - sp2 - 1 != 8 || !IsVersion(p + sp2 + 1)) {
    return Refuse("malformed request line");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (!IsToken(method)) return Refuse("malformed request method");
  if (target.empty() || target.find_first_of(" \t") != std::string_view::npos ||
      !IsFieldValue(target)) {
    return Refuse("malformed request target");
  }
  if (p[sp2 + 6] != '1') return Refuse("unsupported HTTP version");
  minor_version_ = p[sp2 + 8] - '0';
  upgraded_ = method == "CONNECT";
  if (sink_ != nullptr) sink_->OnRequestLine(method, target);
  state_ = State::kHeaderLine;
  return true;
}

bool Parser::OnHeaderLine(const char* p, size_t n) {
  if (p[0] == ' ' || p[0] == '\t') return Refuse("obsolete header line folding");
  const auto* colon = static_cast<const char*>(std::memchr(p, ':', n));
  if (colon == nullptr) return Refuse("malformed header field");
  const std::string_view name(p, static_cast<size_t>(colon - p));
  if (!IsToken(name)) return Refuse("malformed header field name");
  const std::string_view value = TrimOws(std::string_view(colon + 1, n - name.size() - 1));

  if (IEquals(name, "content-length")) {
    if (!OnContentLength(value)) return Refuse("invalid Content-Length");
  } else if (IEquals(name, "transfer-encoding")) {
    bool ok = true;
    ForEachListElement(value, [&](std::string_view coding) {
      if (chunked_) ok = false;  // chunked must be the last coding applied
      chunked_ = IEquals(coding, "chunked");
      has_transfer_encoding_ = true;
    });
    if (!ok) return Refuse("chunked is not the last transfer coding");
  } else if (IEquals(name, "connection")) {
    ForEachListElement(value, [&](std::string_view option) {
      if (IEquals(option, "close")) conn_close_ = true;
      if (IEquals(option, "keep-alive")) conn_keep_alive_ = true;
    });
  }
  if (sink_ != nullptr) sink_->OnHeader(name, value);
  return true;
}

bool Parser::OnContentLength(std::string_view value) {
  bool ok = true;
  ForEachListElement(value, [&](std::string_view item) {
    uint64_t v = 0;
    for (char c : item) {
      if (!IsDigit(c) || v > kMaxBodyLength / 10) {
        ok = false;
        return;
      }
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (has_length_ && v != content_length_) ok = false;
    has_length_ = true;
    content_length_ = v;
  });
  return ok && has_length_;
}

bool Parser::OnHeadEnd() {
  if (role_ == Role::kResponse && status_ < 200 && status_ != 101) {
    // An interim response (100 Continue, 103 Early Hints): the real one follows.
    Reset(head_request_);
    if (sink_ != nullptr) sink_->OnInterim();
    return true;
  }
  keep_alive_ = minor_version_ >= 1 ? !conn_close_ : (conn_keep_alive_ && !conn_close_);
  if (role_ == Role::kResponse) {
    StartResponseBody();
    return true;
  }
  return StartRequestBody();
}

void Parser::StartResponseBody() {
  if (status_ == 101) {  // the connection switches to another protocol after this head
    upgraded_ = true;
    keep_alive_ = false;
    state_ = State::kDone;
  } else if (head_request_ || status_ == 204 || status_ == 304) {
    state_ = State::kDone;
  } else if (has_transfer_encoding_) {
    // Transfer-Encoding overrides Content-Length; a message with both may be smuggling, so
    // the connection is not reused (RFC 9112 §6.3).
    if (has_length_) keep_alive_ = false;
    if (chunked_) {
      state_ = State::kChunkSize;
    } else {
      state_ = State::kBodyUntilClose;
      keep_alive_ = false;
    }
  } else if (has_length_) {
    remaining_ = content_length_;
    state_ = remaining_ == 0 ? State::kDone : State::kBody;
  } else {
    state_ = State::kBodyUntilClose;
    keep_alive_ = false;
  }
}

bool Parser::StartRequestBody() {
  if (upgraded_) {  // CONNECT: a tunnel follows if the server grants it
    state_ = State::kDone;
  } else if (has_transfer_encoding_) {
    if (!chunked_) return Refuse("request with a transfer coding other than chunked");
    if (has_length_) keep_alive_ = false;  // both: possibly smuggling (RFC 9112 §6.3)
    state_ = State::kChunkSize;
  } else if (has_length_ && content_length_ > 0) {
    remaining_ = content_length_;
    state_ = State::kBody;
  } else {
    state_ = State::kDone;
  }
  return true;
}

bool Parser::OnChunkSizeLine(const char* p, size_t n) {
  uint64_t size = 0;
  size_t i = 0;
  for (; i < n; ++i) {
    const int v = HexValue(p[i]);
    if (v < 0) break;
    if (size > (kMaxBodyLength >> 4)) return Refuse("chunk size too large");
    size = (size << 4) | static_cast<uint64_t>(v);
  }
  if (i == 0) return Refuse("malformed chunk size");
  while (i < n && (p[i] == ' ' || p[i] == '\t')) ++i;
  if (i < n && p[i] != ';') return Refuse("malformed chunk size");
  if (size == 0) {
    state_ = State::kTrailer;
  } else {
    remaining_ = size;
    state_ = State::kChunkData;
  }
  return true;
}

bool Parser::OnTrailerLine(const char* p, size_t n) {
  if (n == 0) {
    state_ = State::kDone;
  } else if (std::memchr(p, ':', n) == nullptr) {
    return Refuse("malformed trailer field");
  }
  return true;
}

Parser::Result Parser::Finish() {
  if (state_ == State::kBodyUntilClose) {
    state_ = State::kDone;
    return Result::kDone;
  }
  if (state_ == State::kDone) return Result::kDone;
  if (state_ == State::kError) return Result::kError;
  return Fail("connection closed before the message was complete");
}

}  // namespace sp::http1
