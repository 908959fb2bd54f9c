// Decodes a response body's Content-Encoding (RFC 9110 §8.4) as the body arrives, for the
// checks and captures that read it: gzip (x-gzip), deflate (zlib-wrapped, or raw deflate as
// browsers also accept), br, identity, and lists of up to two codings ("gzip, br" was gzipped,
// then brotli-compressed: br is undone first).
//
// Bounded whatever the server sends: the caller says how many decoded bytes it keeps
// (`limit`); once the body decodes to more, decoding stops — the rest of the body is not even
// decompressed — and over_limit() says so: a 10 MB bomb costs what its first `limit` bytes
// cost. Memory is the output (its capacity never grows past `limit`), one 16 KiB buffer per
// coding, and the decompressors' state: zlib's 32 KiB window and ~10 KiB of tables, or
// brotli's ring buffer, which grows with the output and the meta-block being decoded up to the
// window the stream declares (at most 16 MiB: RFC 7932's largest; the large-window extension
// is refused). peak_state_bytes() measures that last part.
//
// Several gzip members one after another (RFC 1952 §2.2) decode as one body, as gzip(1) and
// browsers do; anything else after the end of a stream (zero padding, a second deflate or br
// stream) is corrupt data. An empty body is empty whatever the coding (HEAD, 204 and 304
// answers, servers that label an empty body): only a stream that started must end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/http_body/decode_stage.h"

namespace sp::http_body {

enum class DecodeError {
  kNone,
  kUnknownCoding,  // a coding not decoded here, or more than two (Start)
  kCorrupt,        // the data is not what its coding says (Feed)
  kTruncated,      // the body ended inside a coding's stream (Finish)
};

// The codings of a Content-Encoding field value (repeated fields joined with ", "), in the
// order they were applied; names are case-insensitive, "identity" and empty list elements are
// dropped. False with *why for an unknown coding or more than two.
bool ParseContentEncoding(std::string_view value, std::vector<Coding>* codings, std::string* why);

class ContentDecoder {
 public:
  ContentDecoder();
  ~ContentDecoder();
  ContentDecoder(const ContentDecoder&) = delete;
  ContentDecoder& operator=(const ContentDecoder&) = delete;

  // Prepares for one body, forgetting the last. False when the codings cannot be decoded
  // (error() is kUnknownCoding): Feed and Finish then return false too.
  bool Start(std::string_view content_encoding, uint64_t limit);

  // The next piece of the body as received, split anywhere. Appends the decoded bytes to
  // *out (the same string for the whole body) until `limit` of them have been appended; past
  // that nothing more is decoded and over_limit() is true. False once the data is corrupt
  // (error() kCorrupt, reason() says how); the decoded bytes before it stay in *out.
  // The outcome does not depend on how the body is split, with one exception: libbrotli hands
  // its output over in steps (at once when it needs more input in the middle of its input
  // buffer, not when a piece ends cleanly), so br data that turns corrupt, or a br body that
  // ends inside its stream, may leave more or fewer of the bytes before that point in *out
  // (a truncated stream fed whole can keep its last window's bytes back), and when those pass
  // the limit, the body may be over the limit with one split and corrupt or truncated with
  // another. Either way the body is not whole, and one split's bytes start the other's.
  bool Feed(const char* data, size_t len, std::string* out);
  // The body is complete. False when a stream stopped before its end (kTruncated), or after
  // an earlier error. True when over the limit (what was not decoded is not judged).
  bool Finish();

  // Nothing to decode: identity or no Content-Encoding at all.
  bool identity() const { return stages_.empty() && error_ == DecodeError::kNone; }
  bool over_limit() const { return state_ == State::kOverLimit; }
  uint64_t decoded() const { return decoded_; }
  DecodeError error() const { return error_; }
  // One line: "unknown content coding \"zstd\" (...)", "corrupt gzip data (invalid block
  // type)", "the br stream is truncated (the body ended inside it)".
  const std::string& reason() const { return reason_; }
  // The most bytes the decompressors held at once since Start (tests, diagnostics).
  size_t peak_state_bytes() const { return meter_.peak; }

 private:
  enum class State { kDecoding, kOverLimit, kFailed };
  struct Link;

  bool Push(size_t index, const uint8_t* data, size_t len, std::string* out);
  bool Emit(const uint8_t* data, size_t len, std::string* out);
  bool Fail(DecodeError error, std::string reason);

  MemoryMeter meter_;  // declared before the stages, which free into it
  std::vector<Coding> codings_;
  std::vector<std::unique_ptr<Link>> stages_;  // in decoding order: the last coding applied first
  uint64_t limit_ = 0;
  uint64_t decoded_ = 0;
  State state_ = State::kDecoding;
  DecodeError error_ = DecodeError::kNone;
  std::string reason_;
};

}  // namespace sp::http_body
