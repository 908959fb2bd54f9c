// The body a request streams after its head: today a multipart body (multipart_body.h), read
// from its layout in pieces of one buffer as the socket (HTTP/1.1) or the stream's
// flow-control window (HTTP/2, h2_session.h) takes them, so a 2 GiB upload costs 64 KiB. One per
// HTTP/1.1 connection or HTTP/2 stream object, reused request after request; the buffer is
// allocated the first time it carries such a body.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/http_body/multipart.h"

namespace sp::http {

class BodyStream {
 public:
  // Starts the body of `layout` from its first byte, or no body (nullptr). The layout must
  // outlive the request (it belongs to the compiled request).
  void Begin(const http_body::MultipartLayout* layout);
  // Closes any open file; no body.
  void Reset();

  // True while bytes of the body are left to send.
  bool Unfinished() const;

  // The next bytes to send: empty once every byte has been sent (or there is no body). False
  // with *err when a file cannot be read as its layout says (the request must be abandoned:
  // its Content-Length is already on the wire).
  bool Next(std::string_view* chunk, std::string* err);
  // `n` bytes of the last chunk were sent.
  void Consume(size_t n) { offset_ += n; }

 private:
  std::unique_ptr<http_body::MultipartReader> reader_;
  std::vector<char> buffer_;
  size_t length_ = 0;  // bytes of buffer_ read from the reader
  size_t offset_ = 0;  // bytes of them sent
};

}  // namespace sp::http
