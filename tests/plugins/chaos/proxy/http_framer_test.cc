// The HTTP/1.1 framer alone: message boundaries for every body framing, whether the bytes
// arrive at once, one by one or cut anywhere.
#include <algorithm>
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
Boundaries Frame(HttpFramer::Role role, const std::string& stream, size_t step,
                 std::vector<bool> head_requests = {}) {
  HttpFramer framer(role);
  Boundaries b;
  size_t offset = 0;
  size_t message = 0;
  while (offset < stream.size()) {
    std::string_view piece = std::string_view(stream).substr(offset, step);
    while (!piece.empty()) {
      if (framer.InHead())
        framer.SetAnswersHead(message < head_requests.size() && head_requests[message]);
      unsigned events = 0;
      const size_t n = framer.Feed(piece, &events);
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
  if (framer.FinishAtEof()) b.messages.push_back(offset);
  return b;
}

// Feeds `stream` in two pieces, cut at `cut`.
Boundaries FrameInTwo(HttpFramer::Role role, const std::string& stream, size_t cut) {
  HttpFramer framer(role);
  Boundaries b;
  size_t offset = 0;
  for (std::string_view piece : {std::string_view(stream).substr(0, cut), std::string_view(stream).substr(cut)}) {
    while (!piece.empty()) {
      unsigned events = 0;
      const size_t n = framer.Feed(piece, &events);
      REQUIRE(n > 0);
      offset += n;
      piece.remove_prefix(n);
      if (events & HttpFramer::kHeadComplete) b.heads.push_back(offset);
      if (events & HttpFramer::kMessageComplete) b.messages.push_back(offset);
      if (events & HttpFramer::kOpaque) b.opaque = true;
    }
  }
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
    const Boundaries f = Frame(HttpFramer::Role::kRequest, stream, step);
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
  // The 100 Continue is read through: it ends no message, the 204 after it does. The HEAD
  // flag is per message completed.
  const Boundaries f = Frame(HttpFramer::Role::kResponse, stream, 3, {true, false, false, false});
  const size_t end1 = r1.size(), end3 = end1 + r2.size() + r3.size(), end4 = end3 + r4.size();
  CHECK(f.messages == std::vector<size_t>{end1, end3, end4, stream.size()});
  CHECK_FALSE(f.opaque);
}

TEST_CASE("framer: chunked and until-close responses", "[framer]") {
  const std::string r1 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n";
  const std::string r2 = "HTTP/1.0 200 OK\r\n\r\nuntil the end";
  const Boundaries f = Frame(HttpFramer::Role::kResponse, r1 + r2, 1);
  CHECK(f.messages == std::vector<size_t>{r1.size(), r1.size() + r2.size()});
}

TEST_CASE("framer: what it cannot frame makes it opaque", "[framer]") {
  CHECK(Frame(HttpFramer::Role::kRequest, "NOT HTTP AT ALL\r\n\r\n", 4).opaque);
  CHECK(
      Frame(HttpFramer::Role::kRequest, "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 64).opaque);
  CHECK(Frame(HttpFramer::Role::kResponse,
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64)
            .opaque);
  const Boundaries upgrade =
      Frame(HttpFramer::Role::kResponse, "HTTP/1.1 101 Switching\r\n\r\nraw bytes\r\n\r\n", 64);
  CHECK(upgrade.messages.size() == 1);  // the 101; everything after is a tunnel
}

TEST_CASE("framer: requests' details for the toxics", "[framer]") {
  HttpFramer framer(HttpFramer::Role::kRequest);
  const std::string r = "HEAD /x HTTP/1.0\r\nEXPECT: 100-Continue\r\n\r\n";
  unsigned events = 0;
  REQUIRE(framer.Feed(r, &events) == r.size());
  CHECK(events == (HttpFramer::kHeadComplete | HttpFramer::kMessageComplete));
  CHECK(framer.head().method == "HEAD");
  CHECK(framer.head().expect_continue);
  CHECK(framer.head().close);  // HTTP/1.0 without keep-alive
  const std::string next = "GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n";
  REQUIRE(framer.Feed(next, &events) == next.size());
  CHECK(framer.head().method == "GET");
  CHECK_FALSE(framer.head().expect_continue);
  CHECK_FALSE(framer.head().close);
}

TEST_CASE("framer: a CONNECT request ends framing after its head", "[framer]") {
  const Boundaries f = Frame(HttpFramer::Role::kRequest,
                             "CONNECT h:443 HTTP/1.1\r\n\r\n\x16\x03\x01 tunnel\r\n\r\n", 5);
  CHECK(f.messages.size() == 1);
  CHECK(f.heads.size() == 1);
}

TEST_CASE("framer: a head over 64 KiB is opaque however it is split", "[framer]") {
  // Fed whole, the old framer found the head's end and framed it; split, it gave up at 64 KiB.
  // Now the limit is on the head itself, so every split gives the same answer.
  const auto request_with_head = [](size_t head_size) {
    std::string head = "GET /big HTTP/1.1\r\n";
    const std::string field = "X-Filler: " + std::string(990, 'f') + "\r\n";
    while (head.size() + field.size() + 112 <= head_size) head += field;
    head += "X-Last: " + std::string(head_size - head.size() - 2 - 10, 'l') + "\r\n";
    head += "\r\n";
    REQUIRE(head.size() == head_size);
    return head;
  };
  const std::string next = "GET /next HTTP/1.1\r\n\r\n";
  for (const size_t size : {HttpFramer::kMaxHead, HttpFramer::kMaxHead + 1, HttpFramer::kMaxHead + 4000}) {
    const std::string stream = request_with_head(size) + next;
    const bool fits = size <= HttpFramer::kMaxHead;
    INFO("head of " << size << " bytes");
    const Boundaries whole = Frame(HttpFramer::Role::kRequest, stream, stream.size());
    CHECK(whole.opaque == !fits);
    CHECK(whole.messages.size() == (fits ? 2u : 0u));
    // One byte at a time, then cut in two at every 97th byte and at every byte around the
    // limit and the head's last line.
    const auto same = [&](const Boundaries& b) {
      CHECK(b.opaque == whole.opaque);
      CHECK(b.heads == whole.heads);
      CHECK(b.messages == whole.messages);
    };
    same(Frame(HttpFramer::Role::kRequest, stream, 1));
    std::vector<size_t> cuts;
    for (size_t cut = 1; cut < stream.size(); cut += 97) cuts.push_back(cut);
    for (size_t cut = HttpFramer::kMaxHead - 40; cut < std::min(HttpFramer::kMaxHead + 40, stream.size()); ++cut) cuts.push_back(cut);
    for (size_t cut = size - 40; cut < std::min(size + 4, stream.size()); ++cut) cuts.push_back(cut);
    for (const size_t cut : cuts) {
      INFO("cut at " << cut);
      same(FrameInTwo(HttpFramer::Role::kRequest, stream, cut));
    }
  }
}
