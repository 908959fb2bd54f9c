// lib/http_body content decoding: round trips through zlib's and libbrotli's encoders in every
// split, gzip members, the limit against bombs, corrupt, truncated and unknown codings.
#include "lib/http_body/content_decoder.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>

using namespace sp::http_body;

namespace {

constexpr int kGzipBits = MAX_WBITS + 16;
constexpr int kZlibBits = MAX_WBITS;
constexpr int kRawBits = -MAX_WBITS;

std::string Deflate(const std::string& data, int window_bits, int level = 6) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Brotli(const std::string& data, int quality = 5, int lgwin = 22) {
  size_t size = BrotliEncoderMaxCompressedSize(data.size());
  std::string out(size, '\0');
  REQUIRE(BrotliEncoderCompress(quality, lgwin, BROTLI_MODE_GENERIC, data.size(),
                                reinterpret_cast<const uint8_t*>(data.data()), &size,
                                reinterpret_cast<uint8_t*>(out.data())) == BROTLI_TRUE);
  out.resize(size);
  return out;
}

// Text that compresses well, then random bytes that do not: about 60 KB, several times the
// decoder's 16 KiB buffers.
std::string Payload() {
  std::string s;
  for (int i = 0; i < 1500; ++i) s += "line " + std::to_string(i) + ": {\"ok\": true}\n";
  std::mt19937 gen(42);
  for (int i = 0; i < 20000; ++i) s.push_back(static_cast<char>(gen() & 0xff));
  return s;
}

struct Decoded {
  bool started = false;
  bool fed = false;
  bool finished = false;
  std::string out;
  bool over_limit = false;
  DecodeError error = DecodeError::kNone;
  std::string reason;
};

// Feeds `body` in pieces of `split` bytes (0: whole), as the parser would hand them over.
Decoded Decode(std::string_view coding, const std::string& body, size_t split,
               uint64_t limit = 1 << 20) {
  ContentDecoder d;
  Decoded r;
  r.started = d.Start(coding, limit);
  r.fed = true;
  const size_t step = split == 0 ? body.size() + 1 : split;
  for (size_t at = 0; at < body.size() && r.fed; at += step) {
    r.fed = d.Feed(body.data() + at, std::min(step, body.size() - at), &r.out);
  }
  r.finished = r.fed && d.Finish();
  r.over_limit = d.over_limit();
  r.error = d.error();
  r.reason = d.reason();
  CHECK(d.decoded() == r.out.size());
  return r;
}

}  // namespace

TEST_CASE("ContentDecoder: every coding round-trips in every split", "[http_body]") {
  const std::string payload = Payload();
  const struct {
    const char* coding;
    std::string body;
  } cases[] = {
      {"gzip", Deflate(payload, kGzipBits)},
      {"X-Gzip", Deflate(payload, kGzipBits, 9)},
      {"deflate", Deflate(payload, kZlibBits)},
      {"deflate", Deflate(payload, kRawBits)},  // raw deflate, as browsers also accept
      {"br", Brotli(payload)},
      {"identity", payload},
      {"", payload},
      {"gzip, br", Brotli(Deflate(payload, kGzipBits))},
      {"br,deflate", Deflate(Brotli(payload, 11, 16), kRawBits, 1)},
  };
  for (const auto& c : cases) {
    for (size_t split = 0; split <= 17; ++split) {
      INFO("coding \"" << c.coding << "\", split " << split);
      const Decoded r = Decode(c.coding, c.body, split);
      REQUIRE(r.finished);
      CHECK_FALSE(r.over_limit);
      REQUIRE(r.out == payload);
    }
  }
}

TEST_CASE("ContentDecoder: gzip members in a row are one body; other trailing data is corrupt",
          "[http_body]") {
  const std::string two =
      Deflate("first,", kGzipBits) + Deflate("", kGzipBits) + Deflate("second", kGzipBits);
  for (size_t split : {0, 1, 3}) {
    const Decoded r = Decode("gzip", two, split);
    CHECK(r.finished);
    CHECK(r.out == "first,second");
  }
  Decoded r = Decode("gzip", Deflate("x", kGzipBits) + std::string(4, '\0'), 0);
  CHECK_FALSE(r.fed);
  CHECK(r.out == "x");
  CHECK(r.error == DecodeError::kCorrupt);
  CHECK(r.reason == "data after the end of the gzip stream");
  r = Decode("deflate", Deflate("x", kZlibBits) + Deflate("y", kZlibBits), 1);
  CHECK(r.reason == "data after the end of the deflate stream");
  CHECK(r.out == "x");
  r = Decode("br", Brotli("x") + "y", 0);
  CHECK(r.reason == "data after the end of the br stream");
}

TEST_CASE("ContentDecoder: a bomb decodes only up to the limit, in bounded memory", "[http_body]") {
  const std::string zeros(10 * 1000 * 1000, '\0');
  const std::string gzip_bomb = Deflate(zeros, kGzipBits, 9);
  const std::string br_bomb = Brotli(zeros, 9, 22);
  CHECK(gzip_bomb.size() < 12 * 1024);
  CHECK(br_bomb.size() < 1024);
  constexpr uint64_t kLimit = 64 * 1024;
  for (const auto& [coding, body] : {std::pair{"gzip", gzip_bomb}, std::pair{"br", br_bomb}}) {
    INFO(coding);
    ContentDecoder d;
    REQUIRE(d.Start(coding, kLimit));
    std::string out;
    for (size_t at = 0; at < body.size(); at += 1000) {
      REQUIRE(d.Feed(body.data() + at, std::min<size_t>(1000, body.size() - at), &out));
    }
    CHECK(d.Finish());  // "truncated at the limit" is not an error
    CHECK(d.over_limit());
    CHECK(d.error() == DecodeError::kNone);
    CHECK(out == std::string(kLimit, '\0'));
    CHECK(out.capacity() <= kLimit);  // the output never grew past the limit
    // zlib: its 32 KiB window and ~11 KiB of state. brotli: its ring buffer grows with the
    // meta-block being decoded, up to the stream's 4 MiB window (lgwin 22), plus its tables.
    CHECK(d.peak_state_bytes() <= (coding == std::string("gzip") ? 48 * 1024 : 4200 * 1024));
  }
}

TEST_CASE("ContentDecoder: over the limit means more than `limit` decoded bytes", "[http_body]") {
  const std::string data(1000, 'a');
  const std::string body = Deflate(data, kGzipBits);
  Decoded r = Decode("gzip", body, 0, 1000);
  CHECK(r.finished);
  CHECK_FALSE(r.over_limit);
  CHECK(r.out == data);
  r = Decode("gzip", body, 1, 999);
  CHECK(r.finished);
  CHECK(r.over_limit);
  CHECK(r.out == data.substr(0, 999));
  r = Decode("identity", data, 7, 10);
  CHECK(r.over_limit);
  CHECK(r.out == "aaaaaaaaaa");
  r = Decode("br", Brotli(data), 0, 0);
  CHECK(r.over_limit);
  CHECK(r.out.empty());
}

TEST_CASE("ContentDecoder: a stream cut short is truncated; an empty body is empty",
          "[http_body]") {
  const std::string payload = Payload();
  const struct {
    const char* coding;
    std::string body;
    const char* reason;
  } cases[] = {
      {"gzip", Deflate(payload, kGzipBits),
       "the gzip stream is truncated (the body ended inside it)"},
      {"deflate", Deflate(payload, kRawBits),
       "the deflate stream is truncated (the body ended inside it)"},
      {"br", Brotli(payload), "the br stream is truncated (the body ended inside it)"},
      {"deflate", "\x78", "the deflate stream is truncated (the body ended inside it)"},
      {"gzip, br", Brotli(Deflate(payload, kGzipBits)),
       "the br stream is truncated (the body ended inside it)"},
  };
  for (const auto& c : cases) {
    INFO(c.coding);
    const std::string cut = c.body.size() > 1 ? c.body.substr(0, c.body.size() - 3) : c.body;
    const Decoded r = Decode(c.coding, cut, 5);
    CHECK(r.fed);
    CHECK_FALSE(r.finished);
    CHECK(r.error == DecodeError::kTruncated);
    CHECK(r.reason == c.reason);
  }
  // Only the gzip inside: its stream stops early though the br around it is whole.
  const std::string inner = Deflate(payload, kGzipBits);
  Decoded r = Decode("gzip, br", Brotli(inner.substr(0, inner.size() / 2)), 0);
  CHECK(r.reason == "the gzip stream is truncated (the body ended inside it)");
  for (const char* coding : {"gzip", "deflate", "br", "gzip, br"}) {
    r = Decode(coding, "", 0);
    CHECK(r.finished);
    CHECK(r.out.empty());
  }
}

TEST_CASE("ContentDecoder: corrupt data says what is wrong", "[http_body]") {
  std::string gzip = Deflate("hello", kGzipBits);
  gzip[0] = 'X';
  Decoded r = Decode("gzip", gzip, 0);
  CHECK_FALSE(r.fed);
  CHECK(r.error == DecodeError::kCorrupt);
  CHECK(r.reason == "corrupt gzip data (incorrect header check)");
  r = Decode("deflate", "\xff\xff", 1);
  CHECK(r.reason == "corrupt deflate data (invalid block type)");
  std::string zlib = Deflate("hello hello hello", kZlibBits);
  zlib[zlib.size() - 1] ^= 1;  // the Adler-32 check
  r = Decode("deflate", zlib, 0);
  CHECK(r.reason == "corrupt deflate data (incorrect data check)");
  CHECK(r.out == "hello hello hello");
  r = Decode("br", "this is not brotli at all", 0);
  CHECK(r.error == DecodeError::kCorrupt);
  CHECK(r.reason == "corrupt br data (PADDING_1)");  // libbrotli's name for the error
  // After an error, nothing more is decoded.
  ContentDecoder d;
  std::string out;
  REQUIRE(d.Start("gzip", 100));
  CHECK_FALSE(d.Feed("garbage", 7, &out));
  CHECK_FALSE(d.Feed("\x1f\x8b", 2, &out));
  CHECK_FALSE(d.Finish());
  CHECK(d.error() == DecodeError::kCorrupt);
}

TEST_CASE("ContentDecoder: inner data far larger than its output is refused", "[http_body]") {
  // A gzip member of nothing but empty stored blocks: 500 KB that decode to no byte, which
  // brotli shrinks to almost nothing. Under "gzip, br" that would be CPU for nothing.
  std::string gzip("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  for (int i = 0; i < 100000; ++i) gzip.append(std::string_view("\x00\x00\x00\xff\xff", 5));
  const Decoded r = Decode("gzip, br", Brotli(gzip), 0, 1024);
  CHECK_FALSE(r.fed);
  CHECK(r.error == DecodeError::kCorrupt);
  CHECK(r.reason == "corrupt gzip data inside br (far larger than what it decodes to)");
}

TEST_CASE("ContentDecoder: codings parsed, unknown ones refused", "[http_body]") {
  std::vector<Coding> codings;
  std::string why;
  REQUIRE(ParseContentEncoding(" , GZIP ,identity,\tbr", &codings, &why));
  CHECK(codings == std::vector<Coding>{Coding::kGzip, Coding::kBrotli});
  REQUIRE(ParseContentEncoding("", &codings, &why));
  CHECK(codings.empty());
  CHECK_FALSE(ParseContentEncoding("gzip, zstd", &codings, &why));
  CHECK(why == "unknown content coding \"zstd\" (gzip, deflate, br and identity are decoded)");
  CHECK_FALSE(ParseContentEncoding("gzip, br, gzip", &codings, &why));
  CHECK(why == "more than two content codings (\"gzip, br, gzip\"): at most two are decoded");

  ContentDecoder d;
  std::string out;
  CHECK_FALSE(d.Start("compress", 100));
  CHECK(d.error() == DecodeError::kUnknownCoding);
  CHECK(d.reason() ==
        "unknown content coding \"compress\" (gzip, deflate, br and identity are decoded)");
  CHECK_FALSE(d.identity());
  CHECK_FALSE(d.Feed("x", 1, &out));
  CHECK_FALSE(d.Finish());
  // Start forgets the last body.
  REQUIRE(d.Start("Identity", 100));
  CHECK(d.identity());
  CHECK(d.error() == DecodeError::kNone);
  CHECK(d.Feed("x", 1, &out));
  CHECK(d.Finish());
  CHECK(out == "x");
}
