#include "plugins/http_target/response_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using sp::http::ResponseParser;
using Result = ResponseParser::Result;

namespace {

struct Outcome {
  Result result = Result::kNeedMore;
  int status = 0;
  bool keep_alive = false;
  uint64_t body_bytes = 0;
  size_t trailing = 0;  // bytes left after a complete response
  std::string error;

  bool operator==(const Outcome& o) const {
    return result == o.result && status == o.status && keep_alive == o.keep_alive &&
           body_bytes == o.body_bytes && trailing == o.trailing && error == o.error;
  }
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "{result=" << static_cast<int>(o.result) << " status=" << o.status
            << " keep_alive=" << o.keep_alive << " body=" << o.body_bytes
            << " trailing=" << o.trailing << " error=" << o.error << "}";
}

// Feeds `pieces` the way the worker does: unconsumed bytes stay in front of the next piece.
// `eof`: the peer closes after the last piece.
Outcome parse(const std::vector<std::string>& pieces, bool head_request = false, bool eof = false) {
  ResponseParser p;
  p.reset(head_request);
  std::string buffer;
  Outcome out;
  for (const std::string& piece : pieces) {
    buffer += piece;
    size_t used = 0;
    out.result = p.feed(buffer.data(), buffer.size(), &used);
    REQUIRE(used <= buffer.size());
    buffer.erase(0, used);
    if (out.result != Result::kNeedMore) break;
  }
  if (out.result == Result::kNeedMore && eof) out.result = p.finish();
  out.status = p.status();
  out.keep_alive = out.result == Result::kDone && p.keep_alive();
  out.body_bytes = p.body_bytes();
  out.trailing = out.result == Result::kDone ? buffer.size() : 0;
  out.error = out.result == Result::kError ? p.error() : "";
  return out;
}

// Every way to cut `bytes` in two, and byte by byte, must give the outcome of one piece.
void check_splits(const std::string& bytes, bool head_request = false, bool eof = false) {
  const Outcome whole = parse({bytes}, head_request, eof);
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(parse({bytes.substr(0, cut), bytes.substr(cut)}, head_request, eof) == whole);
  }
  std::vector<std::string> bytewise;
  for (char c : bytes) bytewise.emplace_back(1, c);
  CHECK(parse(bytewise, head_request, eof) == whole);
}

}  // namespace

TEST_CASE("parser: Content-Length response, any split", "[parser]") {
  const std::string r = "HTTP/1.1 200 OK\r\nServer: x\r\ncontent-LENGTH: 5\r\n\r\nhello";
  const Outcome o = parse({r});
  CHECK(o.result == Result::kDone);
  CHECK(o.status == 200);
  CHECK(o.keep_alive);
  CHECK(o.body_bytes == 5);
  check_splits(r);
}

TEST_CASE("parser: bytes after a complete response are left unconsumed", "[parser]") {
  const Outcome o = parse({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA"});
  CHECK(o.result == Result::kDone);
  CHECK(o.trailing == 5);
}

TEST_CASE("parser: chunked with extensions and trailers, any split", "[parser]") {
  const std::string r =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
      "5\r\nhello\r\n1a;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n"
      "X-Checksum: abc\r\nX-Other: 1\r\n\r\n";
  const Outcome o = parse({r});
  CHECK(o.result == Result::kDone);
  CHECK(o.body_bytes == 31);
  CHECK(o.keep_alive);
  CHECK(o.trailing == 0);
  check_splits(r);
}

TEST_CASE("parser: chunked without trailers and with bare LF line ends", "[parser]") {
  const std::string r = "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n";
  const Outcome o = parse({r});
  CHECK(o.result == Result::kDone);
  CHECK(o.body_bytes == 3);
  check_splits(r);
}

TEST_CASE("parser: responses without a body", "[parser]") {
  SECTION("HEAD ignores Content-Length") {
    const std::string r = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
    const Outcome o = parse({r}, /*head_request=*/true);
    CHECK(o.result == Result::kDone);
    CHECK(o.body_bytes == 0);
    CHECK(o.keep_alive);
    check_splits(r, true);
  }
  SECTION("204 and 304") {
    for (const char* r : {"HTTP/1.1 204 No Content\r\n\r\n",
                          "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"}) {
      const Outcome o = parse({r});
      CHECK(o.result == Result::kDone);
      CHECK(o.body_bytes == 0);
      check_splits(r);
    }
  }
  SECTION("Content-Length: 0") {
    CHECK(parse({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}).result == Result::kDone);
  }
}

TEST_CASE("parser: interim 1xx responses are skipped", "[parser]") {
  const std::string r =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
  const Outcome o = parse({r});
  CHECK(o.result == Result::kDone);
  CHECK(o.status == 201);
  CHECK(o.body_bytes == 2);
  check_splits(r);
}

TEST_CASE("parser: body until close", "[parser]") {
  const std::string r = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstreamed body";
  const Outcome open = parse({r});
  CHECK(open.result == Result::kNeedMore);
  const Outcome closed = parse({r}, false, /*eof=*/true);
  CHECK(closed.result == Result::kDone);
  CHECK(closed.body_bytes == 13);
  CHECK_FALSE(closed.keep_alive);
  check_splits(r, false, true);

  SECTION("a non-chunked transfer coding also reads until close") {
    const Outcome o = parse({"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz"}, false, true);
    CHECK(o.result == Result::kDone);
    CHECK_FALSE(o.keep_alive);
  }
}

TEST_CASE("parser: keep-alive semantics", "[parser]") {
  CHECK_FALSE(parse({"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"}).keep_alive);
  CHECK_FALSE(parse({"HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n"}).keep_alive);
  CHECK_FALSE(parse({"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"}).keep_alive);
  CHECK(parse({"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"}).keep_alive);
  // Both framings: Transfer-Encoding wins, and the connection is not reused.
  const Outcome both = parse({"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "2\r\nab\r\n0\r\n\r\n"});
  CHECK(both.result == Result::kDone);
  CHECK(both.body_bytes == 2);
  CHECK_FALSE(both.keep_alive);
  // Repeated identical lengths are one length.
  CHECK(parse({"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok"}).result ==
        Result::kDone);
}

TEST_CASE("parser: the connection closing mid-response is an error", "[parser]") {
  CHECK(parse({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}, false, true).result ==
        Result::kError);
  CHECK(parse({"HTTP/1.1 200 OK\r\nContent-"}, false, true).result == Result::kError);
  CHECK(parse({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"}, false, true).result ==
        Result::kError);
}

TEST_CASE("parser: malformed responses", "[parser]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"garbage\r\n\r\n", "not an HTTP response"},
      {"HTTX", "not an HTTP response"},
      {"<html>", "not an HTTP response"},
      {"HTTP/1.1 2000 OK\r\n\r\n", "malformed status code"},
      {"HTTP/1.1 20x OK\r\n\r\n", "malformed status code"},
      {"HTTP/1.1 099 Low\r\n\r\n", "malformed status code"},
      {"HTTP/1.1\r\n\r\n", "malformed status line"},
      // Found by fuzzing: cut after the CR, these failed as "not an HTTP response".
      {"HTT\r\n\r\n", "malformed status line"},
      {"\r\n", "malformed status line"},
      {"HTTP/2.0 200 OK\r\n\r\n", "unsupported HTTP version"},
      {"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", "invalid Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", "invalid Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "invalid Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", "invalid Content-Length"},
      {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "malformed header field"},
      {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "malformed header field name"},
      {"HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", "obsolete header line folding"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "chunked is not the last transfer coding"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", "malformed chunk size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", "chunk size too large"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n", "chunk data not followed by CRLF"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", "malformed trailer field"},
      {"HTTP/1.1 101 Switching Protocols\r\n\r\n", "unexpected 101 Switching Protocols"},
  };
  for (const auto& [bytes, why] : cases) {
    INFO(bytes);
    const Outcome o = parse({bytes});
    CHECK(o.result == Result::kError);
    CHECK(o.error == why);
    check_splits(bytes);
  }
}

TEST_CASE("parser: over-long lines and heads are refused", "[parser]") {
  const std::string long_value(ResponseParser::kMaxLine + 10, 'a');
  CHECK(parse({"HTTP/1.1 200 OK\r\nX-Long: " + long_value}).error == "line too long");
  CHECK(parse({"HTTP/1.1 200 OK\r\nX-Long: " + long_value + "\r\n\r\n"}).error == "line too long");
  std::string many = "HTTP/1.1 200 OK\r\n";
  const std::string field = "X-Field: " + std::string(1000, 'b') + "\r\n";
  while (many.size() <= ResponseParser::kMaxHead) many += field;
  CHECK(parse({many + "\r\n"}).error == "response head too large");
}

TEST_CASE("parser: reset makes it ready for the next response on the connection", "[parser]") {
  ResponseParser p;
  p.reset(false);
  size_t used = 0;
  const std::string a = "HTTP/1.1 500 Oops\r\nContent-Length: 1\r\n\r\nx";
  REQUIRE(p.feed(a.data(), a.size(), &used) == Result::kDone);
  CHECK(p.status() == 500);
  p.reset(true);
  const std::string b = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n";
  REQUIRE(p.feed(b.data(), b.size(), &used) == Result::kDone);
  CHECK(p.status() == 404);
  CHECK(p.body_bytes() == 0);
  CHECK(used == b.size());
}
