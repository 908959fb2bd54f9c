// Fuzzes the HTTP/1.1 parser (lib/http1/parser.h) reading responses the way the HTTP target's
// worker drives it, and checks the promise its header makes: any split of the same bytes gives
// the same result. The first byte picks HEAD or not and the split size; the rest is what the
// server sent. The bytes are parsed once whole and once in pieces (an incomplete line carried
// in front of the next piece, as the worker does); outcome, status, keep-alive, body size,
// where the response ended, everything the sink saw and the error message must agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lib/http1/parser.h"

using sp::http1::Parser;

namespace {

// Records what checks and captures would see, in one string.
class RecordingSink : public sp::http1::MessageSink {
 public:
  std::string head;  // header fields and interim ends, in order
  std::string body;
  void OnHeader(std::string_view name, std::string_view value) override {
    head.append(name).append(":").append(value).append("\n");
  }
  void OnBody(const char* data, size_t len) override { body.append(data, len); }
  void OnInterim() override { head.append("--interim--\n"); }
};

struct Outcome {
  Parser::Result result = Parser::Result::kNeedMore;
  size_t end = 0;  // stream offset where the response ended (kDone by feed)
  int status = 0;
  bool keep_alive = false;
  uint64_t body_bytes = 0;
  std::string error;
  RecordingSink sink;
};

// Parses `stream` in pieces of `step` bytes (0: all at once), as Worker::on_readable does.
void Parse(std::string_view stream, size_t step, bool head, Outcome* o) {
  Parser parser;
  parser.Reset(head);
  parser.SetSink(&o->sink);
  std::string carry;
  size_t given = 0;
  o->result = Parser::Result::kNeedMore;
  while (given < stream.size()) {
    const size_t n = step == 0 ? stream.size() : std::min(step, stream.size() - given);
    const size_t buf_start = given - carry.size();
    std::string buf = carry + std::string(stream.substr(given, n));
    given += n;
    size_t used = 0;
    o->result = parser.Feed(buf.data(), buf.size(), &used);
    if (used > buf.size()) std::abort();
    if (o->result == Parser::Result::kDone) {
      o->end = buf_start + used;
      break;
    }
    if (o->result == Parser::Result::kError) break;
    carry = buf.substr(used);
  }
  if (o->result == Parser::Result::kNeedMore) {
    o->result = parser.Finish();
    o->end = stream.size();
  }
  o->status = parser.status();
  o->keep_alive = parser.keep_alive();
  o->body_bytes = parser.body_bytes();
  if (o->result == Parser::Result::kError) {
    o->error = parser.error();
    if (o->error.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool head = (data[0] & 1) != 0;
  const size_t step = 1 + (data[0] >> 1) % 16;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  Outcome whole, split;
  Parse(stream, 0, head, &whole);
  Parse(stream, step, head, &split);
  if (whole.result != split.result || whole.error != split.error) std::abort();
  if (whole.result != Parser::Result::kDone) return 0;
  if (whole.end != split.end || whole.status != split.status || whole.keep_alive != split.keep_alive ||
      whole.body_bytes != split.body_bytes || whole.sink.head != split.sink.head ||
      whole.sink.body != split.sink.body || whole.sink.body.size() != whole.body_bytes) {
    std::abort();
  }
  if (whole.status < 100 || whole.status > 999) std::abort();
  return 0;
}
