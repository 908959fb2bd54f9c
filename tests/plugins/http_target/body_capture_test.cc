// The response tap behind checks, captures and rules, fed by the real parser: which header
// fields it keeps, the decoded body, the size cap, interim responses, and any byte split.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <map>

#include "plugins/http_target/body_capture.h"
#include "lib/http1/parser.h"
#include "script_server.h"
#include "test_host.h"

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

namespace {

// `text` gzip-compressed (zlib's gzip wrapper), as a server would send it.
std::string Gzip(const std::string& text) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string GzipResponse(const std::string& gz) {
  return "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " +
         std::to_string(gz.size()) + "\r\n\r\n" + gz;
}

}  // namespace

// `wire` through a parser into `tap` in pieces of `step`; FinishBody's verdict and reason.
bool Tap(const std::string& wire, const TapSpec& spec, size_t step, ResponseTap* tap,
         std::string* why) {
  sp::http1::Parser parser;
  parser.SetSink(tap->Begin(&spec));
  Feed(wire, step, &parser);
  return tap->FinishBody(why);
}

TEST_CASE("tap: a body sent with Accept-Encoding is decoded for its readers", "[tap]") {
  const std::string text = "{\"reply\": \"" + std::string(5000, 'a') + "\"}";
  const std::string wire = GzipResponse(Gzip(text));
  TapSpec spec;
  spec.keep_body = true;
  spec.decode = true;
  ResponseTap tap;
  std::string why;
  for (size_t step : {wire.size(), size_t{1}, size_t{7}, size_t{100}}) {
    INFO("step " << step);
    CHECK(Tap(wire, spec, step, &tap, &why));
    CHECK(tap.body() == text);
    CHECK_FALSE(tap.BodyOverLimit());
  }

  SECTION("max_body counts decoded bytes: a bomb stops at the limit, not an error") {
    spec.max_body = 1000;
    CHECK(Tap(wire, spec, wire.size(), &tap, &why));
    CHECK(tap.BodyOverLimit());
    CHECK(tap.body() == text.substr(0, 1000));
  }
  SECTION("without decode the body stays as received") {
    spec.decode = false;
    CHECK(Tap(wire, spec, wire.size(), &tap, &why));
    CHECK(tap.body() == Gzip(text));
  }
  SECTION("corrupt or cut data and unknown codings say why") {
    std::string gz = Gzip(text);
    for (auto [name, bad] :
         {std::pair<const char*, std::string>{"truncated",
                                              GzipResponse(gz.substr(0, gz.size() / 2))},
          {"corrupt", GzipResponse(std::string(gz.size(), 'x'))},
          {"unknown",
           "HTTP/1.1 200 OK\r\nContent-Encoding: zstd\r\nContent-Length: 3\r\n\r\nabc"}}) {
      INFO(name);
      why.clear();
      CHECK_FALSE(Tap(bad, spec, bad.size(), &tap, &why));
      CHECK_FALSE(why.empty());
    }
  }
}

TEST_CASE("tap: the worker's checks read a gzip body decoded; an undecodable one is protocol",
          "[tap]") {
  const std::string text = "{\"reply\": \"pong\"}";
  std::string wire = GzipResponse(Gzip(text));
  sp::http::test::ScriptServer server([&wire](sp::http::test::ScriptServer::Conn& c) {
    std::string request;
    while (c.ReadRequest(&request)) {
      if (!c.Send(request.find("/bad") != std::string::npos ? GzipResponse(std::string(40, 'x'))
                                                            : wire)) {
        return;
      }
    }
  });
  sp::http::test::TargetSettings t;
  t.base_url = server.Url();
  sp::http::test::RequestSettings step;
  step.headers = R"({"Accept-Encoding": "gzip"})";
  step.checks = R"([{"body_contains": "pong"}, {"json": {"path": "$.reply", "equals": "pong"}}])";
  sp::http::test::RequestSettings raw = step;
  raw.headers.reset();  // no Accept-Encoding: the checks see the compressed bytes
  sp::http::test::RequestSettings bad = step;
  bad.path = "/bad";
  sp::http::test::Target target;
  REQUIRE(target.Create(t, {step, raw, bad}) == SP_OK);
  sp::http::test::Worker worker(target);
  for (uint32_t i = 0; i < 3; ++i) REQUIRE(worker.SubmitAs(i + 1, i, 1, 0) == SP_OK);
  REQUIRE(worker.PollUntil(3));
  std::map<uint64_t, const sp::http::test::Completion*> by_token;  // they complete in any order
  for (const auto& c : worker.completions()) by_token[c.result.token] = &c;
  CHECK(by_token.at(1)->result.error == SP_E_NONE);
  CHECK(by_token.at(2)->result.error == SP_E_CHECK_FAILED);
  CHECK(by_token.at(3)->result.error == SP_E_PROTOCOL);
  CHECK_THAT(by_token.at(3)->detail, Catch::Contains("content decoding"));
}
