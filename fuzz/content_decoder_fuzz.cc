// Fuzzes the response content decoder (lib/http_body/content_decoder.h) as the HTTP target
// will drive it: a Content-Encoding, a capture limit, a body handed over in pieces. Byte 0
// picks the codings (low 3 bits), whether the rest is decoded as it is or first compressed by
// the harness itself (bit 3: a round trip, which must give the rest back exactly), and the
// piece size (high 4 bits); byte 1 picks the limit. It checks the header's promises: any split
// of the same bytes gives the same outcome, bytes and reason (br data that turns corrupt or
// ends early: see BrokenBrotliAlike); never more than `limit` bytes are kept nor is the output's
// capacity grown past it; a failure always says why.
#include <brotli/encode.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lib/http_body/content_decoder.h"

using sp::http_body::ContentDecoder;
using sp::http_body::DecodeError;

namespace {

constexpr const char* kCodings[8] = {"gzip",     "deflate",  "br",     "gzip, br",
                                     "identity", "br, gzip", "x-gzip", "deflate, deflate"};
constexpr uint64_t kLimits[8] = {0, 1, 100, 4096, 16384, 16385, 65536, 1 << 20};

struct Outcome {
  bool fed = true;
  bool finished = false;
  bool over_limit = false;
  DecodeError error = DecodeError::kNone;
  std::string reason;
  std::string out;
};

Outcome Decode(const char* coding, uint64_t limit, std::string_view body, size_t piece) {
  ContentDecoder d;
  Outcome o;
  if (!d.Start(coding, limit)) std::abort();  // every coding of the table is known
  for (size_t at = 0; at < body.size() && o.fed; at += piece) {
    o.fed = d.Feed(body.data() + at, std::min(piece, body.size() - at), &o.out);
  }
  o.finished = o.fed && d.Finish();
  o.over_limit = d.over_limit();
  o.error = d.error();
  o.reason = d.reason();
  if (o.out.size() != d.decoded() || o.out.size() > limit) std::abort();
  if (o.out.capacity() > std::max<uint64_t>(limit, 30)) std::abort();  // 30: the least on the heap
  if ((o.error == DecodeError::kNone) != o.reason.empty()) std::abort();
  if (o.finished != (o.error == DecodeError::kNone)) std::abort();
  return o;
}

bool Same(const Outcome& a, const Outcome& b) {
  return a.fed == b.fed && a.finished == b.finished && a.over_limit == b.over_limit &&
         a.error == b.error && a.reason == b.reason && a.out == b.out;
}

// libbrotli hands its output over in steps (proactively when it needs more input in the
// middle of its buffer), so where a br stream turns corrupt or the body ends inside it, how
// much was decoded before, and so whether the limit or the break comes first, depends on the
// split (content_decoder.h). Both must still be broken (corrupt, truncated) or over the limit,
// at least one broken, and one output the start of the other.
bool BrokenBrotliAlike(const Outcome& a, const Outcome& b) {
  const auto broken = [](const Outcome& o) {
    return o.error == DecodeError::kCorrupt || o.error == DecodeError::kTruncated;
  };
  const std::string& shorter = a.out.size() < b.out.size() ? a.out : b.out;
  const std::string& longer = a.out.size() < b.out.size() ? b.out : a.out;
  return (broken(a) || a.over_limit) && (broken(b) || b.over_limit) && (broken(a) || broken(b)) &&
         longer.compare(0, shorter.size(), shorter) == 0;
}

std::string Zlib(std::string_view data, int window_bits) {
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Brotli(std::string_view data) {
  size_t size = BrotliEncoderMaxCompressedSize(data.size());
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(2, 18, BROTLI_MODE_GENERIC, data.size(),
                             reinterpret_cast<const uint8_t*>(data.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data()))) {
    std::abort();
  }
  out.resize(size);
  return out;
}

// The body a server would send for `coding` ("a, b": a applied first), raw deflate for the
// second deflate so both of the decoder's deflate forms are exercised.
std::string Compress(std::string_view coding, std::string_view data) {
  std::string body(data);
  size_t start = 0;
  for (int i = 0; start < coding.size(); ++i) {
    size_t comma = coding.find(',', start);
    if (comma == std::string_view::npos) comma = coding.size();
    std::string_view name = coding.substr(start, comma - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    if (name == "gzip" || name == "x-gzip") body = Zlib(body, MAX_WBITS + 16);
    if (name == "deflate") body = Zlib(body, i == 0 ? MAX_WBITS : -MAX_WBITS);
    if (name == "br") body = Brotli(body);
    start = comma + 1;
  }
  return body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const char* coding = kCodings[data[0] & 7];
  const bool round_trip = (data[0] & 8) != 0;
  const size_t piece = 1 + (data[0] >> 4) * 37u;
  const uint64_t limit = kLimits[data[1] & 7];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::string body = round_trip ? Compress(coding, rest) : std::string(rest);

  const Outcome whole = Decode(coding, limit, body, body.size() + 1);
  const Outcome pieces = Decode(coding, limit, body, piece);
  if (!Same(whole, pieces) && !(std::string_view(coding).find("br") != std::string_view::npos &&
                                BrokenBrotliAlike(whole, pieces))) {
    std::abort();
  }
  if (round_trip) {
    const bool over = rest.size() > limit;
    if (!whole.finished || whole.over_limit != over ||
        whole.out != rest.substr(0, over ? limit : rest.size())) {
      std::abort();
    }
  }
  return 0;
}
