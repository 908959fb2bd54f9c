#include "lib/http_body/content_decoder.h"

#include <algorithm>
#include <limits>

#include "lib/http1/syntax.h"

namespace sp::http_body {
namespace {

constexpr size_t kScratch = 16 * 1024;
constexpr size_t kMaxCodings = 2;
// Between two codings, the inner stream may carry at most twice the limit and this much more
// before it has decoded to the limit. A real compressed stream is never much larger than what
// it decodes to; one that is (deflate's empty stored blocks, repeated for ever) would make the
// outer coding a CPU bomb with no output.
constexpr uint64_t kInnerSlack = 64 * 1024;

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Appends without letting the string's capacity pass `ceiling` (or 30, std::string's least
// heap capacity) for this growth: std::string doubles, and its reserve() rounds a request up
// to twice the old capacity too, so the last step is made by hand.
void AppendBounded(std::string* out, const uint8_t* data, size_t len, size_t ceiling) {
  const size_t need = out->size() + len;
  if (need > out->capacity() && out->capacity() > ceiling / 2) {
    std::string grown;
    grown.reserve(std::max(need, ceiling));
    grown.append(*out);
    out->swap(grown);
  }
  out->append(reinterpret_cast<const char*>(data), len);
}

}  // namespace

struct ContentDecoder::Link {
  std::unique_ptr<DecodeStage> stage;
  uint64_t received = 0;
  uint8_t scratch[kScratch];
};

bool ParseContentEncoding(std::string_view value, std::vector<Coding>* codings, std::string* why) {
  codings->clear();
  std::string_view rest = value;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view name = TrimOws(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (name.empty() || http1::IEquals(name, "identity")) continue;
    if (http1::IEquals(name, "gzip") || http1::IEquals(name, "x-gzip")) {
      codings->push_back(Coding::kGzip);
    } else if (http1::IEquals(name, "deflate")) {
      codings->push_back(Coding::kDeflate);
    } else if (http1::IEquals(name, "br")) {
      codings->push_back(Coding::kBrotli);
    } else {
      *why = "unknown content coding \"" + std::string(name) +
             "\" (gzip, deflate, br and identity are decoded)";
      return false;
    }
    if (codings->size() > kMaxCodings) {
      *why =
          "more than two content codings (\"" + std::string(value) + "\"): at most two are decoded";
      return false;
    }
  }
  return true;
}

ContentDecoder::ContentDecoder() = default;
ContentDecoder::~ContentDecoder() = default;

bool ContentDecoder::Start(std::string_view content_encoding, uint64_t limit) {
  stages_.clear();
  meter_ = MemoryMeter{};
  limit_ = limit;
  decoded_ = 0;
  state_ = State::kDecoding;
  error_ = DecodeError::kNone;
  reason_.clear();
  std::string why;
  if (!ParseContentEncoding(content_encoding, &codings_, &why)) {
    return Fail(DecodeError::kUnknownCoding, why);
  }
  for (auto c = codings_.rbegin(); c != codings_.rend(); ++c) {
    auto link = std::make_unique<Link>();
    link->stage = MakeDecodeStage(*c, &meter_);
    if (link->stage == nullptr) {
      return Fail(DecodeError::kCorrupt, "out of memory decoding " + std::string(CodingName(*c)));
    }
    stages_.push_back(std::move(link));
  }
  return true;
}

bool ContentDecoder::Feed(const char* data, size_t len, std::string* out) {
  if (state_ != State::kDecoding) return state_ == State::kOverLimit;
  Push(0, reinterpret_cast<const uint8_t*>(data), len, out);
  return state_ != State::kFailed;
}

bool ContentDecoder::Finish() {
  if (state_ != State::kDecoding) return state_ == State::kOverLimit;
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (stages_[i]->received > 0 && !stages_[i]->stage->ended()) {
      const std::string_view name = CodingName(codings_[codings_.size() - 1 - i]);
      return Fail(DecodeError::kTruncated,
                  "the " + std::string(name) + " stream is truncated (the body ended inside it)");
    }
  }
  return true;
}

// Feeds stage `index` (the output, past the last stage). False stops the whole chain: an
// error, or the limit reached.
bool ContentDecoder::Push(size_t index, const uint8_t* data, size_t len, std::string* out) {
  if (index == stages_.size()) return Emit(data, len, out);
  Link& link = *stages_[index];
  link.received += len;
  const uint64_t inner_cap = limit_ > (std::numeric_limits<uint64_t>::max() - kInnerSlack) / 2
                                 ? std::numeric_limits<uint64_t>::max()
                                 : 2 * limit_ + kInnerSlack;
  if (index > 0 && link.received > inner_cap) {
    const size_t inner = codings_.size() - 1 - index;
    return Fail(DecodeError::kCorrupt, "corrupt " + std::string(CodingName(codings_[inner])) +
                                           " data inside " +
                                           std::string(CodingName(codings_[inner + 1])) +
                                           " (far larger than what it decodes to)");
  }
  while (true) {
    uint8_t* next = link.scratch;
    size_t room = kScratch;
    const DecodeStage::Step step = link.stage->Run(&data, &len, &next, &room);
    const size_t produced = kScratch - room;
    if (produced > 0 && !Push(index + 1, link.scratch, produced, out)) return false;
    if (step == DecodeStage::Step::kError) return Fail(DecodeError::kCorrupt, link.stage->reason());
    if (step == DecodeStage::Step::kNeedInput) return true;
    if (produced == 0) {  // kOutputFull with nothing produced: the library is stuck
      return Fail(DecodeError::kCorrupt, "corrupt data (the decoder made no progress)");
    }
  }
}

bool ContentDecoder::Emit(const uint8_t* data, size_t len, std::string* out) {
  const uint64_t room = limit_ - decoded_;
  const size_t ceiling = out->size() + static_cast<size_t>(room);
  if (len > room) {
    AppendBounded(out, data, static_cast<size_t>(room), ceiling);
    decoded_ = limit_;
    state_ = State::kOverLimit;
    return false;
  }
  AppendBounded(out, data, len, ceiling);
  decoded_ += len;
  return true;
}

bool ContentDecoder::Fail(DecodeError error, std::string reason) {
  state_ = State::kFailed;
  error_ = error;
  reason_ = std::move(reason);
  return false;
}

}  // namespace sp::http_body
