// Incremental HTTP/1.1 message parser: responses for the HTTP target and the fault proxy,
// requests for the fault proxy.
//
// The caller owns the bytes: it hands the parser whatever arrived, the parser consumes a prefix
// (whole lines of the head and of chunked framing, any amount of body) and leaves an incomplete
// line unconsumed, to be handed again in front of the next bytes. Body bytes are counted, not
// kept, and nothing is allocated, so memory per connection stays bounded whatever the peer
// sends. Any split of the same bytes gives the same result.
//
// Handled: start lines of HTTP/1.0 and 1.1, case-insensitive header fields, Content-Length
// (a list of equal values too), Transfer-Encoding: chunked (extensions ignored, trailers read),
// keep-alive semantics (Connection: close / keep-alive, HTTP/1.0 defaults).
// Responses: interim 1xx responses (skipped), no body for HEAD, 204 and 304, a body delimited
// by the connection's close. Requests: empty lines before the request line (ignored, RFC 9112
// §2.2), a body only by Content-Length or chunked, a transfer coding other than chunked refused
// (RFC 9112 §6.3). A CONNECT request and a 101 response end at their head, and what follows on
// the connection is no longer HTTP/1.1 (upgraded()). Refused: obsolete line folding, a header
// name that is not a token, other HTTP major versions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sp::http1 {

// Receives the parts of a message that its user looks at; a sink overrides what it needs. Only
// messages that need them set a sink; the others pay one null test per field and body piece.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // Requests: the request line's method and request target.
  virtual void OnRequestLine(std::string_view /*method*/, std::string_view /*target*/) {}
  // Responses: the status line's code and reason phrase (possibly empty), interim ones too.
  virtual void OnStatusLine(int /*status*/, std::string_view /*reason*/) {}
  // A header field (OWS-trimmed value), Content-Length & co. included. For responses, those
  // of interim responses too: OnInterim says when they stop counting.
  virtual void OnHeader(std::string_view /*name*/, std::string_view /*value*/) {}
  // Body bytes as the application sees them (chunk framing removed), in order.
  virtual void OnBody(const char* /*data*/, size_t /*len*/) {}
  // An interim 1xx response ended: the fields seen so far were not the final response's.
  virtual void OnInterim() {}
};

class Parser {
 public:
  enum class Role { kResponse, kRequest };
  enum class Result { kNeedMore, kHeadDone, kDone, kError };

  struct Limits {
    size_t max_line = 16 * 1024;   // longest start, header, chunk-size or trailer line
    size_t max_head = 256 * 1024;  // most bytes of head and trailers per message
  };

  explicit Parser(Role role = Role::kResponse) : role_(role) {}
  Parser(Role role, Limits limits) : role_(role), limits_(limits) {}

  // Prepares for the next message; role, limits, sink and SetStopAfterHead are kept.
  // `head_request`: the response answers a HEAD request, so it has no body whatever its headers
  // say (responses only).
  void Reset(bool head_request = false);
  // The same, at any time before the response's head ends (a proxy learns it late).
  void SetHeadRequest(bool head_request) { head_request_ = head_request; }
  // Hands this message's parts to `sink` (nullptr: nobody).
  void SetSink(MessageSink* sink) { sink_ = sink; }
  // Feed also stops where a head ends and a body follows, with kHeadDone (default: it goes on).
  void SetStopAfterHead(bool stop) { stop_after_head_ = stop; }

  // Parses a prefix of data[0, len) and sets *consumed to its length. kNeedMore: everything
  // usable was consumed; bytes left over are an incomplete line. kHeadDone: the head ended at
  // *consumed and a body follows (only with SetStopAfterHead). kDone: the message is complete;
  // bytes after *consumed are not part of it. kError: malformed, see error().
  Result Feed(const char* data, size_t len, size_t* consumed);

  // The peer closed the connection: kDone when the body runs until close, else kError.
  Result Finish();

  // No byte of the message's body was consumed yet: its start line or header fields come next.
  bool InHead() const { return state_ == State::kStartLine || state_ == State::kHeaderLine; }
  // The body runs until the connection closes (Finish ends it).
  bool ReadsUntilClose() const { return state_ == State::kBodyUntilClose; }

  int status() const { return status_; }  // responses
  int minor_version() const { return minor_version_; }
  // Set when the head ended: the connection may carry another message after this (complete)
  // one.
  bool keep_alive() const { return keep_alive_; }
  // A CONNECT request or a 101 response: the connection is no longer HTTP/1.1 after it.
  bool upgraded() const { return upgraded_; }
  uint64_t body_bytes() const { return body_bytes_; }
  // A short static description of the last kError.
  const char* error() const { return error_; }

 private:
  enum class State {
    kStartLine, kHeaderLine, kBody, kBodyUntilClose, kChunkSize, kChunkData, kChunkDataEnd,
    kTrailer, kDone, kError
  };

  Result Fail(const char* why);
  bool Refuse(const char* why);  // Fail for the line handlers: false
  // kNeedMore at an incomplete line, unless it already shows an error.
  Result OnPartialLine(const char* p, size_t avail);
  // One complete line of a line-oriented state (without its CRLF): false after Fail.
  bool OnLine(const char* p, size_t n, size_t line_len);
  bool OnStatusLine(const char* p, size_t n);
  bool OnRequestLine(const char* p, size_t n);
  bool OnHeaderLine(const char* p, size_t n);
  bool OnContentLength(std::string_view value);
  // Decides how the body is delimited once the blank line after the headers arrived.
  bool OnHeadEnd();
  void StartResponseBody();
  bool StartRequestBody();
  bool OnChunkSizeLine(const char* p, size_t n);
  bool OnTrailerLine(const char* p, size_t n);

  Role role_;
  Limits limits_;
  bool stop_after_head_ = false;
  MessageSink* sink_ = nullptr;

  State state_ = State::kStartLine;
  bool head_request_ = false;
  int status_ = 0;
  int minor_version_ = 1;
  bool conn_close_ = false;
  bool conn_keep_alive_ = false;
  bool has_length_ = false;
  bool has_transfer_encoding_ = false;
  bool chunked_ = false;
  bool keep_alive_ = false;
  bool upgraded_ = false;
  uint64_t content_length_ = 0;
  uint64_t remaining_ = 0;
  uint64_t body_bytes_ = 0;
  size_t head_bytes_ = 0;
  const char* error_ = "";
};

}  // namespace sp::http1
