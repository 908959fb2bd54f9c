// Fuzzes the fault proxy's HTTP/1.1 framer (plugins/chaos/proxy/http_framer.h), and through it
// the shared parser (lib/http1/parser.h) reading requests and responses. The first byte picks
// the direction (requests or responses), the piece size and which responses answer a HEAD; the
// rest is the byte stream. It is framed once whole and once in pieces: Feed() must never
// return 0 or more than it was given, and both runs must find the same heads and message ends
// at the same stream offsets, and both give up framing or neither (where, within the bytes
// one Feed() was given, depends on the pieces).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "plugins/chaos/proxy/http_framer.h"

using sp::proxy::HttpFramer;

namespace {

struct Boundaries {
  std::vector<std::pair<size_t, unsigned>> events;  // (stream offset, Event bits but kOpaque)
  bool opaque = false;
  bool eof_message = false;
  bool operator==(const Boundaries&) const = default;
};

Boundaries Frame(HttpFramer::Role role, std::string_view stream, size_t step, unsigned head_bits) {
  HttpFramer framer(role);
  Boundaries b;
  size_t offset = 0;
  size_t message = 0;
  while (offset < stream.size()) {
    std::string_view piece = stream.substr(offset, step);
    while (!piece.empty()) {
      if (framer.InHead()) framer.SetAnswersHead(((head_bits >> (message % 3)) & 1) != 0);
      const bool was_opaque = framer.opaque();
      unsigned events = 0;
      const size_t n = framer.Feed(piece, &events);
      if (n == 0 || n > piece.size()) std::abort();
      if (was_opaque && !framer.opaque()) std::abort();  // opaque is for good
      offset += n;
      piece.remove_prefix(n);
      if (events & HttpFramer::kOpaque) b.opaque = true;
      events &= ~unsigned{HttpFramer::kOpaque};
      if (events != 0) b.events.emplace_back(offset, events);
      if (events & HttpFramer::kMessageComplete) ++message;
    }
  }
  b.eof_message = framer.FinishAtEof();
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const HttpFramer::Role role = (data[0] & 1) ? HttpFramer::Role::kResponse : HttpFramer::Role::kRequest;
  const size_t step = 1 + ((data[0] >> 1) & 15);
  const unsigned head_bits = data[0] >> 5;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (!(Frame(role, stream, stream.size() + 1, head_bits) == Frame(role, stream, step, head_bits))) {
    std::abort();
  }
  return 0;
}
