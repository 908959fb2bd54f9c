// The HTTP/1.1 framer alone: message boundaries for every body framing, whether the bytes
// arrive at once or one by one.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "plugins/chaos/proxy/http_framer.h"

using sp::proxy::HttpFramer;

namespace {

struct Boundaries {
  std::vector<size_t> heads;     // stream offsets where a head completed
  std::vector<size_t> messages;  // stream offsets where a message completed
  bool opaque = false;
};

// Feeds `stream` in pieces of `step` bytes; responses answer HEAD when `head_requests` says so.
Boundaries frame(HttpFramer::Role role, const std::string& stream, size_t step,
                 std::vector<bool> head_requests = {}) {
  HttpFramer framer(role);
  Boundaries b;
  size_t offset = 0;
  size_t message = 0;
  while (offset < stream.size()) {
    std::string_view piece = std::string_view(stream).substr(offset, step);
    while (!piece.empty()) {
      if (framer.in_head()) framer.set_answers_head(message < head_requests.size() && head_requests[message]);
      unsigned events = 0;
      const size_t n = framer.feed(piece, &events);
      REQUIRE(n > 0);
      offset += n;
      piece.remove_prefix(n);
      if (events & HttpFramer::kHeadComplete) b.heads.push_back(offset);
      if (events & HttpFramer::kMessageComplete) {
        b.messages.push_back(offset);
        ++message;
      }
      if (events & HttpFramer::kOpaque) b.opaque = true;
    }
  }
  if (framer.finish_at_eof()) b.messages.push_back(offset);
  return b;
}

}  // namespace

TEST_CASE("framer: requests with and without bodies", "[framer]") {
  const std::string a = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string b = "POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  const std::string c = "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n";
  const std::string stream = a + b + c;
  for (size_t step : {stream.size(), size_t{1}, size_t{7}}) {
    INFO("step " << step);
    const Boundaries f = frame(HttpFramer::Role::kRequest, stream, step);
    CHECK_FALSE(f.opaque);
    CHECK(f.messages == std::vector<size_t>{a.size(), a.size() + b.size(), stream.size()});
    CHECK(f.heads.size() == 3);
  }
}

TEST_CASE("framer: responses to HEAD, 1xx, 204 and 304 have no body", "[framer]") {
  const std::string r1 = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";  // answers HEAD
  const std::string r2 = "HTTP/1.1 100 Continue\r\n\r\n";
  const std::string r3 = "HTTP/1.1 204 No Content\r\n\r\n";
  const std::string r4 = "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n";
  const std::string r5 = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string stream = r1 + r2 + r3 + r4 + r5;
  // Message index 1 is the 100 Continue; the HEAD flag is per message completed.
  const Boundaries f = frame(HttpFramer::Role::kResponse, stream, 3, {true, false, false, false, false});
  size_t end = 0;
  std::vector<size_t> expected;
  for (const std::string* r : {&r1, &r2, &r3, &r4, &r5}) expected.push_back(end += r->size());
  CHECK(f.messages == expected);
}

TEST_CASE("framer: chunked and until-close responses", "[framer]") {
  const std::string r1 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n";
  const std::string r2 = "HTTP/1.0 200 OK\r\n\r\nuntil the end";
  const Boundaries f = frame(HttpFramer::Role::kResponse, r1 + r2, 1);
  CHECK(f.messages == std::vector<size_t>{r1.size(), r1.size() + r2.size()});
}

TEST_CASE("framer: what it cannot frame makes it opaque", "[framer]") {
  CHECK(frame(HttpFramer::Role::kRequest, "NOT HTTP AT ALL\r\n\r\n", 4).opaque);
  CHECK(frame(HttpFramer::Role::kRequest, "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 64).opaque);
  CHECK(frame(HttpFramer::Role::kResponse, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64).opaque);
  const Boundaries upgrade = frame(HttpFramer::Role::kResponse, "HTTP/1.1 101 Switching\r\n\r\nraw bytes\r\n\r\n", 64);
  CHECK(upgrade.messages.size() == 1);  // the 101; everything after is a tunnel
}
