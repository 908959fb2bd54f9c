// One content coding's decompressor (gzip and deflate through zlib, br through libbrotli),
// as ContentDecoder (content_decoder.h) chains them. Internal to lib/http_body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sp::http_body {

enum class Coding { kGzip, kDeflate, kBrotli };
std::string_view CodingName(Coding coding);  // "gzip", "deflate", "br"

// What the decompressors hold (windows, tables, state), counted through their allocator hooks.
struct MemoryMeter {
  size_t now = 0;
  size_t peak = 0;
};

class DecodeStage {
 public:
  enum class Step {
    kNeedInput,   // all input consumed, output has room
    kOutputFull,  // output full: call again with more room (and the rest of the input)
    kError,       // corrupt data: reason() says how
  };
  virtual ~DecodeStage() = default;

  // Decodes from *in into *out, advancing both and lowering *in_len and *room by what was
  // consumed and produced. After a stream's end, more input is another gzip member (gzip) or
  // an error (deflate, br: data after the end of the stream).
  virtual Step Run(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* room) = 0;
  // The stream ended and nothing has followed since.
  virtual bool ended() const = 0;
  // After kError: "corrupt gzip data (invalid block type)".
  const std::string& reason() const { return reason_; }

 protected:
  std::string reason_;
};

// A decompressor for `coding`; its allocations are counted in *meter, which must outlive it.
// Null when the library could not set one up (out of memory).
std::unique_ptr<DecodeStage> MakeDecodeStage(Coding coding, MemoryMeter* meter);

}  // namespace sp::http_body
