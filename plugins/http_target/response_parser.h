// Incremental HTTP/1.1 response parser.
//
// The caller owns the bytes: it hands the parser whatever arrived, the parser consumes a prefix
// (whole lines of the head and of chunked framing, any amount of body) and leaves an incomplete
// line unconsumed, to be handed again in front of the next bytes. Body bytes are counted, not
// kept, so memory per connection stays bounded whatever the server sends. Any split of the
// same bytes gives the same result.
//
// Handled: status line (HTTP/1.0 and 1.1), case-insensitive headers, Content-Length,
// Transfer-Encoding: chunked (extensions ignored, trailers read), interim 1xx responses
// (skipped), responses without a body (HEAD, 204, 304), bodies delimited by connection close,
// and keep-alive semantics (Connection: close / keep-alive, HTTP/1.0 defaults).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sp::http {

// Receives the parts of a response that checks, captures and rules look at (body_capture.h).
// Only requests that need them set a sink; the others pay one null test per header and body
// piece.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // A header field of the final response (OWS-trimmed value); also Content-Length & co.
  virtual void on_header(std::string_view name, std::string_view value) = 0;
  // Body bytes as the application sees them (chunk framing removed), in order.
  virtual void on_body(const char* data, size_t len) = 0;
  // An interim 1xx response ended: the fields seen so far were not the final response's.
  virtual void on_interim() = 0;
};

class ResponseParser {
 public:
  enum class Result { kNeedMore, kDone, kError };

  // Longest header, status or chunk-size line accepted, and the most header bytes per response.
  static constexpr size_t kMaxLine = 16 * 1024;
  static constexpr size_t kMaxHead = 256 * 1024;

  // Prepares for the response to a new request; `head_request`: it was a HEAD request, so the
  // response has no body whatever its headers say.
  void reset(bool head_request);
  // Hands this response's header fields and body to `sink` (nullptr: nobody); after reset.
  void set_sink(ResponseSink* sink) { sink_ = sink; }

  // Parses a prefix of data[0, len) and sets *consumed to its length. kNeedMore: everything
  // usable was consumed; bytes left over are an incomplete line. kDone: the response is
  // complete; bytes after *consumed are not part of it. kError: malformed, see error().
  Result feed(const char* data, size_t len, size_t* consumed);

  // The peer closed the connection: kDone when the body runs until close, else kError.
  Result finish();

  int status() const { return status_; }
  // The connection may carry another request after this (complete) response.
  bool keep_alive() const { return keep_alive_; }
  uint64_t body_bytes() const { return body_bytes_; }
  // A short static description of the last kError.
  const char* error() const { return error_; }

 private:
  enum class State {
    kStatusLine, kHeaderLine, kBody, kBodyUntilClose, kChunkSize, kChunkData, kChunkDataEnd,
    kTrailer, kDone, kError
  };

  Result fail(const char* why);
  bool on_status_line(const char* p, size_t n);
  bool on_header_line(const char* p, size_t n);
  // Decides how the body is delimited once the blank line after the headers arrived.
  bool on_head_end();
  bool on_chunk_size_line(const char* p, size_t n);

  State state_ = State::kStatusLine;
  bool head_request_ = false;
  int status_ = 0;
  int minor_version_ = 1;
  bool conn_close_ = false;
  bool conn_keep_alive_ = false;
  bool has_length_ = false;
  bool has_transfer_encoding_ = false;
  bool chunked_ = false;
  bool keep_alive_ = false;
  uint64_t content_length_ = 0;
  uint64_t remaining_ = 0;
  uint64_t body_bytes_ = 0;
  size_t head_bytes_ = 0;
  const char* error_ = "";
  ResponseSink* sink_ = nullptr;
};

}  // namespace sp::http
