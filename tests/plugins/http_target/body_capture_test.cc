// The response tap behind checks, captures and rules, fed by the real parser: which header
// fields it keeps, the decoded body, the size cap, interim responses, and any byte split.
#include <catch2/catch.hpp>

#include "plugins/http_target/body_capture.h"
#include "lib/http1/parser.h"

using namespace sp::http;

namespace {

// Feeds `wire` to a parser with the tap attached, in pieces of `step` bytes (carrying
// unconsumed bytes forward as the worker does).
void Feed(const std::string& wire, size_t step, sp::http1::Parser* parser) {
  std::string pending;
  for (size_t at = 0; at < wire.size(); at += step) {
    pending += wire.substr(at, step);
    size_t used = 0;
    const sp::http1::Parser::Result r = parser->Feed(pending.data(), pending.size(), &used);
    REQUIRE(r != sp::http1::Parser::Result::kError);
    pending.erase(0, used);
    if (r == sp::http1::Parser::Result::kDone) return;
  }
  FAIL("response not complete");
}

}  // namespace

TEST_CASE("tap: kept headers, decoded chunked body, interim responses, any split", "[tap]") {
  const std::string wire =
      "HTTP/1.1 103 Early Hints\r\nX-Keep: early\r\nLink: </a.css>\r\n\r\n"
      "HTTP/1.1 200 OK\r\nx-keep: one\r\nX-Other: no\r\nTransfer-Encoding: chunked\r\n"
      "X-KEEP: two\r\n\r\n"
      "5\r\nhello\r\n1;ext=x\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
  TapSpec spec;
  spec.header_names = {"X-Keep", "Link", "Transfer-Encoding"};
  spec.keep_body = true;
  for (size_t step : {wire.size(), size_t{1}, size_t{2}, size_t{7}, size_t{64}}) {
    INFO("step " << step);
    ResponseTap tap;
    sp::http1::Parser parser;
    parser.Reset(false);
    parser.SetSink(tap.Begin(&spec));
    Feed(wire, step, &parser);
    CHECK(parser.status() == 200);
    REQUIRE(tap.Header("x-keep") != nullptr);
    CHECK(*tap.Header("x-keep") == "one, two");
    CHECK(tap.Header("Link") == nullptr);  // only on the 103
    CHECK(*tap.Header("transfer-encoding") == "chunked");
    CHECK(tap.Header("X-Other") == nullptr);  // not asked for
    CHECK(tap.body() == "hello, world");
    CHECK_FALSE(tap.BodyOverLimit());
  }
}

TEST_CASE("tap: the body cap keeps the start and flags the rest", "[tap]") {
  TapSpec spec;
  spec.keep_body = true;
  spec.max_body = 10;
  ResponseTap tap;
  sp::http1::Parser parser;
  parser.Reset(false);
  parser.SetSink(tap.Begin(&spec));
  Feed("HTTP/1.1 200 OK\r\nContent-Length: 26\r\n\r\nabcdefghijklmnopqrstuvwxyz", 4, &parser);
  CHECK(tap.body() == "abcdefghij");
  CHECK(tap.BodyOverLimit());
  CHECK(parser.body_bytes() == 26);  // the parser still reads all of it

  // Reused for the next response: cleared, capacity kept.
  parser.Reset(false);
  parser.SetSink(tap.Begin(&spec));
  Feed("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 100, &parser);
  CHECK(tap.body() == "abc");
  CHECK_FALSE(tap.BodyOverLimit());
}

TEST_CASE("tap: nothing asked, no sink", "[tap]") {
  ResponseTap tap;
  CHECK(tap.Begin(nullptr) == nullptr);
  TapSpec none;
  CHECK(tap.Begin(&none) == nullptr);
  CHECK(tap.Header("X") == nullptr);
  TapSpec headers_only;
  headers_only.header_names = {"X"};
  sp::http1::Parser parser;
  parser.Reset(false);
  parser.SetSink(tap.Begin(&headers_only));
  Feed("HTTP/1.1 200 OK\r\nX: 1\r\nContent-Length: 3\r\n\r\nabc", 5, &parser);
  CHECK(*tap.Header("X") == "1");
  CHECK(tap.body().empty());  // the body was not asked for
}
