// The HTTP/1.1 parser: responses as the HTTP target reads them, requests as the fault proxy
// frames them; every outcome checked against every split of the same bytes.
#include "lib/http1/parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using sp::http1::Parser;
using Result = Parser::Result;
using Role = Parser::Role;

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
Outcome parse(const std::vector<std::string>& pieces, bool head_request = false, bool eof = false,
              Role role = Role::kResponse) {
  Parser p(role);
  p.Reset(head_request);
  std::string buffer;
  Outcome out;
  for (const std::string& piece : pieces) {
    buffer += piece;
    size_t used = 0;
    out.result = p.Feed(buffer.data(), buffer.size(), &used);
    REQUIRE(used <= buffer.size());
    buffer.erase(0, used);
    if (out.result != Result::kNeedMore) break;
  }
  if (out.result == Result::kNeedMore && eof) out.result = p.Finish();
  out.status = p.status();
  out.keep_alive = out.result == Result::kDone && p.keep_alive();
  out.body_bytes = p.body_bytes();
  out.trailing = out.result == Result::kDone ? buffer.size() : 0;
  out.error = out.result == Result::kError ? p.error() : "";
  return out;
}

// Every way to cut `bytes` in two, and byte by byte, must give the outcome of one piece.
void check_splits(const std::string& bytes, bool head_request = false, bool eof = false,
                  Role role = Role::kResponse) {
  const Outcome whole = parse({bytes}, head_request, eof, role);
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(parse({bytes.substr(0, cut), bytes.substr(cut)}, head_request, eof, role) == whole);
  }
  std::vector<std::string> bytewise;
  for (char c : bytes) bytewise.emplace_back(1, c);
  CHECK(parse(bytewise, head_request, eof, role) == whole);
}

Outcome parse_request(const std::string& bytes) { return parse({bytes}, false, false, Role::kRequest); }

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
  const Parser::Limits limits;
  const std::string long_value(limits.max_line + 10, 'a');
  CHECK(parse({"HTTP/1.1 200 OK\r\nX-Long: " + long_value}).error == "line too long");
  CHECK(parse({"HTTP/1.1 200 OK\r\nX-Long: " + long_value + "\r\n\r\n"}).error == "line too long");
  std::string many = "HTTP/1.1 200 OK\r\n";
  const std::string field = "X-Field: " + std::string(1000, 'b') + "\r\n";
  while (many.size() <= limits.max_head) many += field;
  CHECK(parse({many + "\r\n"}).error == "response head too large");
}

TEST_CASE("parser: reset makes it ready for the next response on the connection", "[parser]") {
  Parser p;
  p.Reset(false);
  size_t used = 0;
  const std::string a = "HTTP/1.1 500 Oops\r\nContent-Length: 1\r\n\r\nx";
  REQUIRE(p.Feed(a.data(), a.size(), &used) == Result::kDone);
  CHECK(p.status() == 500);
  p.Reset(true);
  const std::string b = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n";
  REQUIRE(p.Feed(b.data(), b.size(), &used) == Result::kDone);
  CHECK(p.status() == 404);
  CHECK(p.body_bytes() == 0);
  CHECK(used == b.size());
}

TEST_CASE("parser: a 101 response ends at its head and upgrades the connection", "[parser]") {
  const std::string r = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nraw";
  Parser p;
  size_t used = 0;
  REQUIRE(p.Feed(r.data(), r.size(), &used) == Result::kDone);
  CHECK(p.upgraded());
  CHECK(p.status() == 101);
  CHECK_FALSE(p.keep_alive());
  CHECK(used == r.size() - 3);
  check_splits(r.substr(0, used));  // the helper's `trailing` depends on the pieces
}

TEST_CASE("parser: requests with and without a body, any split", "[parser][request]") {
  SECTION("no framing header: no body") {
    const std::string r = "GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /next";
    const Outcome o = parse_request(r);
    CHECK(o.result == Result::kDone);
    CHECK(o.keep_alive);
    CHECK(o.body_bytes == 0);
    CHECK(o.trailing == 9);
    check_splits(r.substr(0, r.size() - 9), false, false, Role::kRequest);
  }
  SECTION("Content-Length") {
    const std::string r = "POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    CHECK(parse_request(r).body_bytes == 5);
    check_splits(r, false, false, Role::kRequest);
  }
  SECTION("chunked, with trailers") {
    const std::string r =
        "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n";
    const Outcome o = parse_request(r);
    CHECK(o.result == Result::kDone);
    CHECK(o.body_bytes == 3);
    check_splits(r, false, false, Role::kRequest);
  }
  SECTION("empty lines before the request line are ignored") {
    const std::string r = "\r\n\n\r\nGET / HTTP/1.1\r\n\r\n";
    CHECK(parse_request(r).result == Result::kDone);
    check_splits(r, false, false, Role::kRequest);
  }
  SECTION("HTTP/1.0 closes unless asked to keep alive") {
    CHECK_FALSE(parse_request("GET / HTTP/1.0\r\n\r\n").keep_alive);
    CHECK(parse_request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
    CHECK_FALSE(parse_request("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
  }
  SECTION("a response-only rule does not apply: 'HEAD' has no say in a request's body") {
    const Outcome o = parse({"HEAD / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab"}, true, false,
                            Role::kRequest);
    CHECK(o.body_bytes == 2);
  }
}

TEST_CASE("parser: a CONNECT request ends at its head and upgrades", "[parser][request]") {
  const std::string r = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03";
  Parser p(Role::kRequest);
  size_t used = 0;
  REQUIRE(p.Feed(r.data(), r.size(), &used) == Result::kDone);
  CHECK(p.upgraded());
  CHECK(used == r.size() - 2);
}

TEST_CASE("parser: malformed requests", "[parser][request]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"NOT HTTP AT ALL\r\n\r\n", "malformed request line"},
      {"GET\r\n\r\n", "malformed request line"},
      {"GET /\r\n\r\n", "malformed request line"},
      {"GET / HTTP/1.1x\r\n\r\n", "malformed request line"},
      {"G(T / HTTP/1.1\r\n\r\n", "malformed request method"},
      {"GET /a b HTTP/1.1\r\n\r\n", "malformed request target"},
      {"GET  HTTP/1.1\r\n\r\n", "malformed request target"},
      {"GET / HTTP/2.0\r\n\r\n", "unsupported HTTP version"},
      {"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "invalid Content-Length"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
       "request with a transfer coding other than chunked"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size"},
      {"GET / HTTP/1.1\r\n folded: x\r\n\r\n", "obsolete header line folding"},
  };
  for (const auto& [bytes, why] : cases) {
    INFO(bytes);
    const Outcome o = parse_request(bytes);
    CHECK(o.result == Result::kError);
    CHECK(o.error == why);
    check_splits(bytes, false, false, Role::kRequest);
  }
}

TEST_CASE("parser: limits bound a request's head, leading empty lines included", "[parser][request]") {
  const Parser::Limits limits{64, 256};
  const auto outcome = [&](const std::string& bytes) {
    Parser p(Role::kRequest, limits);
    size_t used = 0;
    const Result r = p.Feed(bytes.data(), bytes.size(), &used);
    return r == Result::kError ? std::string(p.error()) : std::string("ok");
  };
  CHECK(outcome("GET / HTTP/1.1\r\nX: " + std::string(40, 'a') + "\r\n\r\n") == "ok");
  CHECK(outcome("GET / HTTP/1.1\r\nX: " + std::string(70, 'a') + "\r\n\r\n") == "line too long");
  std::string many = "GET / HTTP/1.1\r\n";
  while (many.size() <= 256) many += "X-F: 0123456789\r\n";
  CHECK(outcome(many + "\r\n") == "request head too large");
  CHECK(outcome(std::string(300, '\n')) == "request head too large");
}

namespace {

// Records what a sink is told, in one string.
class RecordingSink : public sp::http1::MessageSink {
 public:
  std::string seen;
  void OnRequestLine(std::string_view method, std::string_view target) override {
    seen.append("line ").append(method).append(" ").append(target).append("\n");
  }
  void OnHeader(std::string_view name, std::string_view value) override {
    seen.append(name).append("=").append(value).append("\n");
  }
  void OnBody(const char* data, size_t len) override { seen.append("body ").append(data, len).append("\n"); }
  void OnInterim() override { seen.append("interim\n"); }
};

}  // namespace

TEST_CASE("parser: the sink sees the request line, fields and decoded body", "[parser][request]") {
  const std::string r =
      "POST /up HTTP/1.1\r\nExpect:  100-continue \r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\nab\r\n1\r\nc\r\n0\r\n\r\n";
  Parser p(Role::kRequest);
  RecordingSink sink;
  p.SetSink(&sink);
  size_t used = 0;
  REQUIRE(p.Feed(r.data(), r.size(), &used) == Result::kDone);
  CHECK(sink.seen ==
        "line POST /up\nExpect=100-continue\nTransfer-Encoding=chunked\nbody ab\nbody c\n");
}

TEST_CASE("parser: SetStopAfterHead stops where a body starts", "[parser]") {
  const std::string head = "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n";
  const std::string r = head + "abc" + "GET / HTTP/1.1\r\n\r\n";
  Parser p(Role::kRequest);
  p.SetStopAfterHead(true);
  size_t used = 0;
  REQUIRE(p.Feed(r.data(), r.size(), &used) == Result::kHeadDone);
  CHECK(used == head.size());
  CHECK_FALSE(p.InHead());
  size_t more = 0;
  REQUIRE(p.Feed(r.data() + used, r.size() - used, &more) == Result::kDone);
  CHECK(more == 3);
  // A message without a body completes at once: no separate kHeadDone.
  p.Reset();
  REQUIRE(p.InHead());
  REQUIRE(p.Feed(r.data() + used + more, r.size() - used - more, &more) == Result::kDone);
  CHECK(more == 18);
}
