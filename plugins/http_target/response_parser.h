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

namespace sp::http {

class ResponseParser {
 public:
  enum class Result { kNeedMore, kDone, kError };

  // Longest header, status or chunk-size line accepted, and the most header bytes per response.
  static constexpr size_t kMaxLine = 16 * 1024;
  static constexpr size_t kMaxHead = 256 * 1024;

  // Prepares for the response to a new request; `head_request`: it was a HEAD request, so the
  // response has no body whatever its headers say.
  void reset(bool head_request);

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
};

}  // namespace sp::http
