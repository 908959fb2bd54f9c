// What a worker keeps of a response for checks, captures and rules: the header fields they
// name and, when one of them reads the body, the (decoded) body up to max_body_capture; and,
// for the VU's cookie jar, every Set-Cookie field; for redirects, the Location. Requests that need
// none of it keep nothing (the parser gets no sink).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/http1/parser.h"
#include "lib/http_body/content_decoder.h"

namespace sp::http {

// Per request step: what to keep.
struct TapSpec {
  std::vector<std::string> header_names;  // fields to keep (compared case-insensitively)
  bool keep_body = false;
  uint64_t max_body = 1 << 20;  // body bytes kept at most; more sets BodyOverLimit()
  // The request sent Accept-Encoding: a kept body is decoded by its Content-Encoding (gzip,
  // deflate, br), max_body counting decoded bytes.
  bool decode = false;
};

class ResponseTap final : public http1::MessageSink {
 public:
  // Prepares for the response to a request with `spec` (nullptr: nothing to keep), keeping its
  // Set-Cookie fields too when `set_cookies`, and its Location when `location`. Returns the sink to
  // hand the parser, or nullptr when nothing of the response is needed. Buffers keep their capacity
  // from one response to the next.
  http1::MessageSink* Begin(const TapSpec* spec, bool set_cookies = false, bool location = false);

  void OnHeader(std::string_view name, std::string_view value) override;
  void OnBody(const char* data, size_t len) override;
  void OnInterim() override;

  // The field's value (repeated fields joined with ", "), or nullptr when the response did not
  // have it (or the spec did not ask for it).
  const std::string* Header(std::string_view name) const;
  std::string_view body() const { return body_; }
  // The body was longer than max_body; body() holds only its start.
  bool BodyOverLimit() const { return over_; }
  // Each Set-Cookie field's value, in order (not joined: a cookie's Expires has a comma).
  const std::vector<std::string>& set_cookies() const { return set_cookies_; }
  // The Location field's value (the last one), or nullptr when none was kept.
  const std::string* location() const { return has_location_ ? &location_ : nullptr; }
  // At the end of the response: false with *why when a decoded body could not be decoded (an
  // unknown coding, corrupt data, a stream cut short). True when nothing was decoded.
  bool FinishBody(std::string* why);

 private:
  const TapSpec* spec_ = nullptr;
  bool keep_set_cookies_ = false;
  std::vector<std::string> set_cookies_;
  bool keep_location_ = false;
  bool has_location_ = false;
  std::string location_;
  std::vector<std::string> values_;  // by spec_->header_names index
  std::vector<uint8_t> present_;
  std::string body_;
  bool over_ = false;
  std::string content_encoding_;  // decode: the response's Content-Encoding fields, joined
  bool decoding_ = false;         // the decoder has started on this body
  http_body::ContentDecoder decoder_;
};

}  // namespace sp::http
