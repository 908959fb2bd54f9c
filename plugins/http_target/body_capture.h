// What a worker keeps of a response for checks, captures and rules: the header fields they
// name and, when one of them reads the body, the (decoded) body up to max_body_capture; and,
// for the VU's cookie jar, every Set-Cookie field; for redirects, the Location. Requests that need
// none of it keep nothing (the parser gets no sink).
#pragma once

#include <cstdint>
#include <memory>
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
  std::string_view body() const {
    return kept_ ? std::string_view(kept_->body) : std::string_view();
  }
  // The body was longer than max_body; body() holds only its start.
  bool BodyOverLimit() const { return over_; }
  // Each Set-Cookie field's value, in order (not joined: a cookie's Expires has a comma).
  const std::vector<std::string>& set_cookies() const;
  // The Location field's value (the last one), or nullptr when none was kept.
  const std::string* location() const { return has_location_ ? &kept_->location : nullptr; }
  // At the end of the response: false with *why when a decoded body could not be decoded (an
  // unknown coding, corrupt data, a stream cut short). True when nothing was decoded.
  bool FinishBody(std::string* why);

 private:
  // What was kept of the response. Allocated the first time something is (a Set-Cookie, a
  // Location, a named field, a body), then reused: a tap whose responses never carry any of it
  // - most of an idle keep-alive connection's life - costs the few fields below, not ~300 bytes.
  struct Kept {
    std::vector<std::string> set_cookies;
    std::string location;
    std::vector<std::string> values;  // by spec_->header_names index
    std::vector<uint8_t> present;
    std::string body;
    std::string content_encoding;  // decode: the response's Content-Encoding fields, joined
    http_body::ContentDecoder decoder;
    // Empty for the next response, with `names` header fields to look for.
    void Reset(size_t names);
  };
  Kept& kept();
  size_t Names() const { return spec_ != nullptr ? spec_->header_names.size() : 0; }

  const TapSpec* spec_ = nullptr;
  bool keep_set_cookies_ = false;
  bool keep_location_ = false;
  bool has_location_ = false;
  bool over_ = false;
  bool decoding_ = false;  // the decoder has started on this body
  std::unique_ptr<Kept> kept_;
};

}  // namespace sp::http
