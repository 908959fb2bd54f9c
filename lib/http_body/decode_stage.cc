#include "lib/http_body/decode_stage.h"

#include <brotli/decode.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <new>

namespace sp::http_body {
namespace {

// Every allocation carries its size in front, so that the free hooks (which get only the
// pointer) can count it back. 16 bytes keep the block aligned for any type.
constexpr size_t kSizePrefix = 16;

void* MeteredAlloc(MemoryMeter* meter, size_t size) {
  if (size > SIZE_MAX - kSizePrefix) return nullptr;
  auto* block = static_cast<unsigned char*>(std::malloc(size + kSizePrefix));
  if (block == nullptr) return nullptr;
  *reinterpret_cast<size_t*>(block) = size;
  meter->now += size;
  meter->peak = std::max(meter->peak, meter->now);
  return block + kSizePrefix;
}

void MeteredFree(MemoryMeter* meter, void* p) {
  if (p == nullptr) return;
  unsigned char* block = static_cast<unsigned char*>(p) - kSizePrefix;
  meter->now -= *reinterpret_cast<size_t*>(block);
  std::free(block);
}

voidpf ZlibAlloc(voidpf opaque, uInt items, uInt size) {
  if (size != 0 && items > SIZE_MAX / size) return Z_NULL;
  return MeteredAlloc(static_cast<MemoryMeter*>(opaque), size_t{items} * size);
}
void ZlibFree(voidpf opaque, voidpf p) { MeteredFree(static_cast<MemoryMeter*>(opaque), p); }
void* BrotliAlloc(void* opaque, size_t size) {
  return MeteredAlloc(static_cast<MemoryMeter*>(opaque), size);
}
void BrotliFree(void* opaque, void* p) { MeteredFree(static_cast<MemoryMeter*>(opaque), p); }

// RFC 1950: CM 8 (deflate), a window of at most 32 KiB, and the check bits.
bool IsZlibHeader(uint8_t cmf, uint8_t flg) {
  return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
}

// gzip (RFC 1952) and deflate. "deflate" is meant to be zlib-wrapped (RFC 9110 §8.4.1.2), but
// some servers send raw deflate (RFC 1951), which browsers accept: the first two bytes decide,
// as they do — a zlib header means zlib, anything else raw deflate.
class ZlibStage final : public DecodeStage {
 public:
  ZlibStage(Coding coding, MemoryMeter* meter) : coding_(coding) {
    z_.zalloc = ZlibAlloc;
    z_.zfree = ZlibFree;
    z_.opaque = meter;
  }
  ~ZlibStage() override {
    if (initialized_) inflateEnd(&z_);
  }
  bool Init(int window_bits) {
    initialized_ = inflateInit2(&z_, window_bits) == Z_OK;
    return initialized_;
  }

  Step Run(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* room) override {
    if (!initialized_ && !Sniff(in, in_len)) {
      return reason_.empty() ? Step::kNeedInput : Step::kError;
    }
    if (pending_len_ > 0) {  // deflate's first byte, held while the second was awaited
      const uint8_t* p = pending_ + (1 - pending_len_);
      const Step step = Inflate(&p, &pending_len_, out, room);
      if (step != Step::kNeedInput) return step;
    }
    return Inflate(in, in_len, out, room);
  }
  bool ended() const override { return ended_; }

 private:
  // deflate: decides zlib or raw from the first two bytes.
  bool Sniff(const uint8_t** in, size_t* in_len) {
    if (coding_ == Coding::kGzip) return Init(MAX_WBITS + 16) || Fail("out of memory");
    if (*in_len == 0) return false;
    if (pending_len_ == 0 && *in_len == 1) {
      pending_[0] = **in;
      pending_len_ = 1;
      ++*in;
      --*in_len;
      return false;
    }
    const uint8_t first = pending_len_ > 0 ? pending_[0] : (*in)[0];
    const uint8_t second = pending_len_ > 0 ? (*in)[0] : (*in)[1];
    return Init(IsZlibHeader(first, second) ? MAX_WBITS : -MAX_WBITS) || Fail("out of memory");
  }

  bool Fail(std::string why) {
    reason_ = std::move(why);
    return false;
  }

  Step Inflate(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* room) {
    while (true) {
      if (ended_) {
        if (*in_len == 0) return Step::kNeedInput;
        // RFC 1952 §2.2: a gzip file is a series of members; anything else is not gzip.
        if (coding_ != Coding::kGzip || (*in)[0] != 0x1f) {
          Fail("data after the end of the " + std::string(CodingName(coding_)) + " stream");
          return Step::kError;
        }
        inflateReset(&z_);
        ended_ = false;
      }
      z_.next_in = const_cast<Bytef*>(*in);
      z_.avail_in = static_cast<uInt>(std::min<size_t>(*in_len, UINT_MAX));
      z_.next_out = *out;
      z_.avail_out = static_cast<uInt>(std::min<size_t>(*room, UINT_MAX));
      const uInt in_before = z_.avail_in;
      const uInt out_before = z_.avail_out;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      const size_t consumed = in_before - z_.avail_in;
      const size_t produced = out_before - z_.avail_out;
      *in += consumed;
      *in_len -= consumed;
      *out += produced;
      *room -= produced;
      if (rc == Z_STREAM_END) {
        ended_ = true;
        continue;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) return Error(rc);
      if (*room == 0) return Step::kOutputFull;
      if (*in_len == 0 || (consumed == 0 && produced == 0)) return Step::kNeedInput;
    }
  }

  Step Error(int rc) {
    const std::string name(CodingName(coding_));
    if (rc == Z_NEED_DICT) {
      Fail("corrupt " + name + " data (it needs a preset dictionary)");
    } else if (rc == Z_MEM_ERROR) {
      Fail("out of memory decoding " + name);
    } else {
      Fail("corrupt " + name + " data (" + (z_.msg != nullptr ? z_.msg : "zlib error") + ")");
    }
    return Step::kError;
  }

  Coding coding_;
  z_stream z_{};
  bool initialized_ = false;
  bool ended_ = false;
  uint8_t pending_[1] = {0};
  size_t pending_len_ = 0;
};

// br (RFC 7932) through libbrotli's streaming decoder. Large windows (the non-standard
// extension) are not enabled, so a stream's window is at most 16 MiB, and libbrotli grows its
// ring buffer only as the output so far and the current meta-block need.
class BrotliStage final : public DecodeStage {
 public:
  explicit BrotliStage(MemoryMeter* meter)
      : state_(BrotliDecoderCreateInstance(BrotliAlloc, BrotliFree, meter)) {}
  ~BrotliStage() override {
    if (state_ != nullptr) BrotliDecoderDestroyInstance(state_);
  }
  bool ok() const { return state_ != nullptr; }

  Step Run(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* room) override {
    while (true) {
      if (ended_) {
        if (*in_len == 0) return Step::kNeedInput;
        reason_ = "data after the end of the br stream";
        return Step::kError;
      }
      switch (BrotliDecoderDecompressStream(state_, in_len, in, room, out, nullptr)) {
        case BROTLI_DECODER_RESULT_SUCCESS: ended_ = true; continue;
        case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT: return Step::kNeedInput;
        case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT: return Step::kOutputFull;
        case BROTLI_DECODER_RESULT_ERROR: break;
      }
      // libbrotli names the error without its prefix: "PADDING_1", "ALLOC_RING_BUFFER_1".
      const std::string code = BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state_));
      reason_ = code.rfind("ALLOC", 0) == 0 ? "out of memory decoding br (" + code + ")"
                                            : "corrupt br data (" + code + ")";
      return Step::kError;
    }
  }
  bool ended() const override { return ended_; }

 private:
  BrotliDecoderState* state_;
  bool ended_ = false;
};

}  // namespace

std::string_view CodingName(Coding coding) {
  switch (coding) {
    case Coding::kGzip: return "gzip";
    case Coding::kDeflate: return "deflate";
    case Coding::kBrotli: return "br";
  }
  return "?";
}

std::unique_ptr<DecodeStage> MakeDecodeStage(Coding coding, MemoryMeter* meter) {
  if (coding == Coding::kBrotli) {
    auto stage = std::make_unique<BrotliStage>(meter);
    if (!stage->ok()) return nullptr;
    return stage;
  }
  return std::make_unique<ZlibStage>(coding, meter);
}

}  // namespace sp::http_body
