#include "plugins/http_target/response_parser.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "lib/http1/syntax.h"

namespace sp::http {
namespace {

constexpr uint64_t kMaxBodyLength = uint64_t{1} << 62;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls fn(element) for each non-empty element of a comma-separated list, OWS trimmed.
template <class Fn>
void for_each_list_element(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = http1::TrimOws(list.substr(0, comma));
    if (!item.empty()) fn(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

void ResponseParser::reset(bool head_request) {
  *this = ResponseParser{};
  head_request_ = head_request;
}

ResponseParser::Result ResponseParser::fail(const char* why) {
  state_ = State::kError;
  error_ = why;
  keep_alive_ = false;
  return Result::kError;
}

ResponseParser::Result ResponseParser::feed(const char* data, size_t len, size_t* consumed) {
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
        if (sink_ != nullptr && take > 0) sink_->on_body(data + pos, static_cast<size_t>(take));
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
        if (sink_ != nullptr && len > pos) sink_->on_body(data + pos, len - pos);
        body_bytes_ += len - pos;
        *consumed = len;
        return Result::kNeedMore;
      default:
        break;
    }

    // Line-oriented states: the status line, headers, chunk framing and trailers.
    const char* start = data + pos;
    const size_t avail = len - pos;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', avail));
    if (nl == nullptr) {
      *consumed = pos;
      if (avail > kMaxLine) return fail("line too long");
      // Reject a reply that cannot be HTTP as soon as its first bytes show it. A CR at the
      // end may be the start of the line's CRLF, which on_status_line does not look at: leave
      // it out, or "HTT\r" + "\n" would fail differently from "HTT\r\n" (found by fuzzing).
      const size_t seen = avail > 0 && start[avail - 1] == '\r' ? avail - 1 : avail;
      if (state_ == State::kStatusLine &&
          std::memcmp(start, "HTTP/", std::min<size_t>(seen, 5)) != 0) {
        return fail("not an HTTP response");
      }
      return Result::kNeedMore;
    }
    const size_t line_len = static_cast<size_t>(nl - start) + 1;
    if (line_len > kMaxLine + 1) return fail("line too long");
    size_t n = line_len - 1;
    if (n > 0 && start[n - 1] == '\r') --n;
    pos += line_len;

    bool ok = true;
    switch (state_) {
      case State::kStatusLine:
        head_bytes_ += line_len;
        ok = on_status_line(start, n);
        break;
      case State::kHeaderLine:
        head_bytes_ += line_len;
        if (head_bytes_ > kMaxHead) return fail("response head too large");
        ok = n == 0 ? on_head_end() : on_header_line(start, n);
        break;
      case State::kChunkSize:
        ok = on_chunk_size_line(start, n);
        break;
      case State::kChunkDataEnd:
        if (n != 0) return fail("chunk data not followed by CRLF");
        state_ = State::kChunkSize;
        break;
      case State::kTrailer:
        head_bytes_ += line_len;
        if (head_bytes_ > kMaxHead) return fail("response trailers too large");
        if (n == 0) {
          state_ = State::kDone;
        } else if (std::memchr(start, ':', n) == nullptr) {
          return fail("malformed trailer field");
        }
        break;
      default:
        break;
    }
    if (!ok) {
      *consumed = pos;
      return Result::kError;
    }
  }
}

ResponseParser::Result ResponseParser::finish() {
  if (state_ == State::kBodyUntilClose) {
    state_ = State::kDone;
    return Result::kDone;
  }
  if (state_ == State::kDone) return Result::kDone;
  if (state_ == State::kError) return Result::kError;
  return fail("connection closed before the response was complete");
}

bool ResponseParser::on_status_line(const char* p, size_t n) {
  // HTTP/1.x SP 3DIGIT [SP reason]
  // Same test as on a partial line in feed(), so the error does not depend on how bytes split.
  if (std::memcmp(p, "HTTP/", std::min<size_t>(n, 5)) != 0) {
    fail("not an HTTP response");
    return false;
  }
  if (n < 12) {
    fail("malformed status line");
    return false;
  }
  if (!is_digit(p[5]) || p[6] != '.' || !is_digit(p[7]) || p[8] != ' ') {
    fail("malformed status line");
    return false;
  }
  if (p[5] != '1') {
    fail("unsupported HTTP version");
    return false;
  }
  if (!is_digit(p[9]) || !is_digit(p[10]) || !is_digit(p[11]) || (n > 12 && p[12] != ' ')) {
    fail("malformed status code");
    return false;
  }
  minor_version_ = p[7] - '0';
  status_ = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
  if (status_ < 100) {
    fail("malformed status code");
    return false;
  }
  state_ = State::kHeaderLine;
  return true;
}

bool ResponseParser::on_header_line(const char* p, size_t n) {
  if (p[0] == ' ' || p[0] == '\t') {
    fail("obsolete header line folding");
    return false;
  }
  const auto* colon = static_cast<const char*>(std::memchr(p, ':', n));
  if (colon == nullptr) {
    fail("malformed header field");
    return false;
  }
  const std::string_view name(p, static_cast<size_t>(colon - p));
  if (!http1::IsToken(name)) {
    fail("malformed header field name");
    return false;
  }
  const std::string_view value = http1::TrimOws(std::string_view(colon + 1, n - name.size() - 1));

  if (http1::IEquals(name, "content-length")) {
    bool ok = true;
    for_each_list_element(value, [&](std::string_view item) {
      uint64_t v = 0;
      for (char c : item) {
        if (!is_digit(c) || v > kMaxBodyLength / 10) {
          ok = false;
          return;
        }
        v = v * 10 + static_cast<uint64_t>(c - '0');
      }
      if (has_length_ && v != content_length_) ok = false;
      has_length_ = true;
      content_length_ = v;
    });
    if (!ok || !has_length_) {
      fail("invalid Content-Length");
      return false;
    }
  } else if (http1::IEquals(name, "transfer-encoding")) {
    bool ok = true;
    for_each_list_element(value, [&](std::string_view coding) {
      if (chunked_) ok = false;  // chunked must be the last coding applied
      chunked_ = http1::IEquals(coding, "chunked");
      has_transfer_encoding_ = true;
    });
    if (!ok) {
      fail("chunked is not the last transfer coding");
      return false;
    }
  } else if (http1::IEquals(name, "connection")) {
    for_each_list_element(value, [&](std::string_view option) {
      if (http1::IEquals(option, "close")) conn_close_ = true;
      if (http1::IEquals(option, "keep-alive")) conn_keep_alive_ = true;
    });
  }
  if (sink_ != nullptr) sink_->on_header(name, value);
  return true;
}

bool ResponseParser::on_head_end() {
  if (status_ < 200) {
    if (status_ == 101) {
      fail("unexpected 101 Switching Protocols");
      return false;
    }
    // An interim response (100 Continue, 103 Early Hints): the real one follows.
    const bool head = head_request_;
    ResponseSink* sink = sink_;
    reset(head);
    sink_ = sink;
    if (sink_ != nullptr) sink_->on_interim();
    return true;
  }
  keep_alive_ = minor_version_ >= 1 ? !conn_close_ : (conn_keep_alive_ && !conn_close_);
  if (head_request_ || status_ == 204 || status_ == 304) {
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
  return true;
}

bool ResponseParser::on_chunk_size_line(const char* p, size_t n) {
  uint64_t size = 0;
  size_t i = 0;
  for (; i < n; ++i) {
    const int v = hex_value(p[i]);
    if (v < 0) break;
    if (size > (kMaxBodyLength >> 4)) {
      fail("chunk size too large");
      return false;
    }
    size = (size << 4) | static_cast<uint64_t>(v);
  }
  if (i == 0) {
    fail("malformed chunk size");
    return false;
  }
  while (i < n && (p[i] == ' ' || p[i] == '\t')) ++i;
  if (i < n && p[i] != ';') {
    fail("malformed chunk size");
    return false;
  }
  if (size == 0) {
    state_ = State::kTrailer;
  } else {
    remaining_ = size;
    state_ = State::kChunkData;
  }
  return true;
}

}  // namespace sp::http
