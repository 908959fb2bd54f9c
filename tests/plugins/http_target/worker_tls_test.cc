// https:// end to end through the vtable: the worker's non-blocking TLS against real TLS servers
// on 127.0.0.1 (ScriptServer with certificates made at test time), and preflight's handshake.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>

#include "plugins/http_target/options.h"
#include "plugins/http_target/plugin_abi.h"
#include "script_server.h"
#include "test_host.h"
#include "test_pki.h"

using namespace sp::http::test;
using Conn = ScriptServer::Conn;

namespace {

using CtxPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;

CtxPtr ServerCtx(ServerCert cert, int max_version = 0) {
  return CtxPtr(MakeServerCtx(cert, max_version), SSL_CTX_free);
}

// Answers every request of a connection with `response`, keeping it open.
ScriptServer::Script KeepAlive(std::string response) {
  return [response](Conn& c) {
    std::string request;
    while (c.ReadRequest(&request) && c.Send(response)) {
    }
  };
}

TargetSettings Verified(const ScriptServer& server, const std::string& host = "127.0.0.1") {
  TargetSettings t;
  t.base_url = server.Url(host);
  t.ca_file = TestCaFile();
  return t;
}

// Server threads count after the client is done with its side: wait (up to 5 s) for them.
template <class Pred>
bool Eventually(Pred pred) {
  const uint64_t until = NowNs() + 5'000 * kMs;
  while (!pred()) {
    if (NowNs() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

std::string HttpsUrl(uint16_t port) { return "https://127.0.0.1:" + std::to_string(port); }

// Runs `n` sequential requests and returns the worker's completions.
std::vector<Completion> RunSequential(Target& target, int n, uint32_t request = 0) {
  Worker worker(target);
  for (int i = 0; i < n; ++i) {
    REQUIRE(worker.Submit(static_cast<uint64_t>(i), request) == SP_OK);
    REQUIRE(worker.PollUntil(static_cast<size_t>(i) + 1));
  }
  return worker.completions();
}

}  // namespace

TEST_CASE("tls: a verified https request with ca_file; keep-alive reuses the TLS connection",
          "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa);
  const std::string response = FixedResponse(200, "hello over tls");
  ScriptServer server(KeepAlive(response), ctx.get());
  Target target;
  REQUIRE(target.Create(Verified(server), {RequestSettings{}}) == SP_OK);
  constexpr int kN = 20;
  const std::vector<Completion> done = RunSequential(target, kN);
  REQUIRE(done.size() == kN);
  CHECK(server.connections() == 1);
  CHECK(server.handshakes() == 1);
  CHECK(server.requests() == kN);
  CHECK(server.LastSni().empty());  // no SNI for an IP address (RFC 6066)
  for (size_t i = 0; i < done.size(); ++i) {
    const sp_result& r = done[i].result;
    INFO("request " << i << ": " << done[i].detail);
    CHECK(r.error == SP_E_NONE);
    CHECK(r.status == 200);
    CHECK(r.bytes_received == response.size());  // HTTP bytes, not TLS records
    CHECK(r.bytes_sent > 0);
    CHECK(r.ttfb_ns > 0);
    if (i == 0) {
      CHECK(r.connect_ns > 0);  // TCP connect + handshake
    } else {
      CHECK(r.connect_ns == 0);
    }
  }
}

TEST_CASE("tls: https://localhost sends SNI and verifies the DNS name; preflight handshakes",
          "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa);
  ScriptServer server(KeepAlive(FixedResponse(200, "x")), ctx.get());
  Target target;
  REQUIRE(target.Create(Verified(server, "localhost"), {RequestSettings{}}) == SP_OK);
  CHECK(target.Preflight() == SP_OK);
  CHECK(Eventually([&] { return server.handshakes() == 1; }));  // preflight's
  const std::vector<Completion> done = RunSequential(target, 3);
  for (const Completion& c : done) CHECK(c.result.error == SP_E_NONE);
  CHECK(server.LastSni() == "localhost");
  CHECK(server.handshakes() == 2);
}

TEST_CASE("tls: default verification rejects untrusted certificates with tls", "[tls]") {
  SECTION("a self-signed certificate") {
    CtxPtr ctx = ServerCtx(ServerCert::kSelfSigned);
    ScriptServer server(KeepAlive(FixedResponse(200, "x")), ctx.get());
    for (bool with_ca : {false, true}) {
      INFO("ca_file set: " << with_ca);
      TargetSettings t;
      t.base_url = server.Url();
      if (with_ca) t.ca_file = TestCaFile();  // the CA did not sign it either
      Target target;
      REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
      REQUIRE(target.Preflight() == SP_ERROR);
      const std::string message = target.error().message;
      const std::string port = std::to_string(server.port());
      CHECK_THAT(message, Catch::StartsWith("TLS handshake with base_url " + server.Url() +
                                            " (127.0.0.1:" + port +
                                            ") failed: certificate "
                                            "verify failed: self-signed certificate; set ca_file"));
      CHECK_THAT(message, Catch::Contains("insecure: true"));
      CHECK(std::string(target.error().option) == "base_url");

      Worker worker(target);
      REQUIRE(worker.Submit(1) == SP_OK);
      REQUIRE(worker.Submit(2) == SP_OK);
      REQUIRE(worker.PollUntil(2));
      CHECK(worker.Count(SP_E_TLS) == 2);
      for (const Completion& c : worker.completions()) {
        CHECK(c.detail == "certificate verify failed: self-signed certificate");
        CHECK(c.result.status == 0);
        CHECK(c.result.bytes_received == 0);
      }
    }
    CHECK(server.requests() == 0);
    CHECK(server.handshakes() == 0);
    CHECK(Eventually([&] { return server.handshake_failures() >= 4; }));
  }
  SECTION("a certificate from a CA the system store does not hold") {
    CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa);
    ScriptServer server(KeepAlive(FixedResponse(200, "x")), ctx.get());
    TargetSettings t;
    t.base_url = server.Url();
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    CHECK(worker.completions()[0].result.error == SP_E_TLS);
    CHECK_THAT(worker.completions()[0].detail,
               Catch::StartsWith("certificate verify failed: unable to get local issuer certificate"));
  }
}

TEST_CASE("tls: insecure: true accepts a self-signed server under any name", "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kSelfSigned);
  ScriptServer server(KeepAlive(FixedResponse(200, "x")), ctx.get());
  TargetSettings t;
  t.base_url = server.Url();
  t.insecure = true;
  t.server_name = "not-the-certificate.example";
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  CHECK(target.Preflight() == SP_OK);
  const std::vector<Completion> done = RunSequential(target, 5);
  for (const Completion& c : done) CHECK(c.result.error == SP_E_NONE);
  CHECK(server.LastSni() == "not-the-certificate.example");
}

TEST_CASE("tls: a name mismatch is rejected unless server_name matches", "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kOtherName);  // only for DNS:stressplan.test
  ScriptServer server(KeepAlive(FixedResponse(200, "x")), ctx.get());

  struct Case {
    std::string host;
    std::optional<std::string> server_name;
    std::string detail;  // "" = success
  };
  const std::vector<Case> cases = {
      {"127.0.0.1", std::nullopt,
       "certificate verify failed: IP address mismatch (the certificate is not for \"127.0.0.1\")"},
      {"localhost", std::nullopt,
       "certificate verify failed: hostname mismatch (the certificate is not for \"localhost\")"},
      {"127.0.0.1", "wrong.example",
       "certificate verify failed: hostname mismatch (the certificate is not for \"wrong.example\")"},
      {"127.0.0.1", "stressplan.test", ""},
      {"localhost", "STRESSPLAN.test", ""},  // names compare case-insensitively
  };
  for (const Case& k : cases) {
    INFO(k.host << " server_name " << k.server_name.value_or("(none)"));
    TargetSettings t = Verified(server, k.host);
    t.server_name = k.server_name;
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    const Completion& c = worker.completions()[0];
    if (k.detail.empty()) {
      CHECK(c.result.error == SP_E_NONE);
      CHECK(target.Preflight() == SP_OK);
    } else {
      CHECK(c.result.error == SP_E_TLS);
      CHECK(c.detail == k.detail);
      CHECK(target.Preflight() == SP_ERROR);
      CHECK_THAT(std::string(target.error().message), Catch::Contains("set server_name"));
    }
  }
  CHECK(server.LastSni() == "STRESSPLAN.test");
}

TEST_CASE("tls: resolve sends a virtual host's name to a loopback address", "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kOtherName);  // only for DNS:stressplan.test
  ScriptServer server(KeepAlive(FixedResponse(200, "x")), ctx.get());
  const std::string key = "stressplan.test:" + std::to_string(server.port());
  TargetSettings t = Verified(server, "stressplan.test");  // a name no resolver knows
  t.resolve = R"({")" + key + R"(": "127.0.0.1"})";
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  CHECK(target.Preflight() == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  CHECK(worker.completions()[0].result.error == SP_E_NONE);
  CHECK(server.LastSni() == "stressplan.test");  // the name, verified against the certificate

  for (const std::string address : {"[::1]", "::1"}) {  // IPv6, with or without brackets
    t.resolve = R"({")" + key + R"(": ")" + address + R"("})";
    Target v6;
    CHECK(v6.Create(t, {RequestSettings{}}) == SP_OK);
  }

  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"({"other.test:443": "127.0.0.1"})", "is not base_url's host and port (stressplan.test:"},
      {R"({")" + key + R"(": "localhost"})", "must be an IPv4 or IPv6 address"},
      {R"(["127.0.0.1"])", "resolve must be a map"},
  };
  for (const auto& [json, message] : refused) {
    INFO(json);
    t.resolve = json;
    Target refusing;
    CHECK(refusing.Create(t, {RequestSettings{}}) == SP_INVALID_ARGUMENT);
    CHECK(std::string(refusing.error().option) == "resolve");
    CHECK_THAT(std::string(refusing.error().message), Catch::Contains(message));
  }
}

TEST_CASE("tls: a plain HTTP server on an https:// URL fails with tls", "[tls]") {
  // What a plain server does with a ClientHello: answers 400 and closes.
  ScriptServer server([](Conn& c) {
    std::string hello;
    if (c.ReadAny(&hello)) {
      c.Send(
          "HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request");
    }
  });
  TargetSettings t;
  t.base_url = HttpsUrl(server.port());
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  REQUIRE(target.Preflight() == SP_ERROR);
  CHECK_THAT(std::string(target.error().message), Catch::Contains("wrong version number"));
  CHECK_THAT(std::string(target.error().message), Catch::Contains("use http://"));
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  const Completion& c = worker.completions()[0];
  CHECK(c.result.error == SP_E_TLS);
  CHECK(c.detail == "TLS handshake failed: wrong version number (is the server speaking plain HTTP?)");
  CHECK(c.result.status == 0);
}

TEST_CASE("tls: Content-Length, chunked and multi-MiB bodies over TLS with exact byte counts",
          "[tls]") {
  std::string big(5 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"/small", FixedResponse(200, "hello")},
      {"/chunked", ChunkedResponse("hello chunked world", 4)},
      {"/big", FixedResponse(200, big)},
      {"/bigchunked", ChunkedResponse(big, 1000)},
  };
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa);
  ScriptServer server(
      [&routes](Conn& c) {
        std::string request;
        while (c.ReadRequest(&request)) {
          for (const auto& [path, response] : routes) {
            if (RequestPath(request) == path && !c.Send(response)) return;
          }
        }
      },
      ctx.get());
  std::vector<RequestSettings> requests;
  for (const auto& route : routes) {
    RequestSettings r;
    r.path = route.first;
    requests.push_back(r);
  }
  Target target;
  REQUIRE(target.Create(Verified(server), requests) == SP_OK);
  Worker worker(target);
  uint64_t token = 0;
  for (int round = 0; round < 2; ++round) {
    for (uint32_t i = 0; i < routes.size(); ++i) {
      REQUIRE(worker.Submit(token, i) == SP_OK);
      REQUIRE(worker.PollUntil(++token, 20'000 * kMs));
      const Completion& c = worker.completions().back();
      INFO(routes[i].first << ": " << c.detail);
      CHECK(c.result.error == SP_E_NONE);
      CHECK(c.result.bytes_received == routes[i].second.size());
    }
  }
  CHECK(server.connections() == 1);
}

TEST_CASE("tls: concurrent requests each get their own TLS connection", "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa);
  ScriptServer server(KeepAlive(FixedResponse(200, "x")), ctx.get());
  Target target;
  REQUIRE(target.Create(Verified(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  constexpr int kUsers = 20;
  for (int round = 0; round < 3; ++round) {
    for (int u = 0; u < kUsers; ++u) REQUIRE(worker.Submit(round * kUsers + u) == SP_OK);
    REQUIRE(worker.PollUntil((round + 1) * kUsers, 20'000 * kMs));
  }
  CHECK(worker.Count(SP_E_NONE) == 3 * kUsers);
  CHECK(server.connections() == kUsers);
  CHECK(server.handshakes() == kUsers);
}

TEST_CASE("tls: a handshake that never completes", "[tls]") {
  // A TCP server that reads the ClientHello and never answers.
  ScriptServer server([](Conn& c) { c.WaitClosed(); });
  TargetSettings t;
  t.base_url = HttpsUrl(server.port());
  SECTION("fails with connect_timeout: the handshake is part of connecting") {
    t.connect_timeout_ns = 200 * kMs;
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    REQUIRE(target.Preflight() == SP_ERROR);
    CHECK_THAT(std::string(target.error().message), Catch::Contains("not complete within 200 ms"));
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    const sp_result& r = worker.completions()[0].result;
    CHECK(r.error == SP_E_CONNECT_TIMEOUT);
    CHECK(r.end_ns - r.start_ns >= 200 * kMs);
    CHECK(r.end_ns - r.start_ns < 1500 * kMs);
    CHECK(worker.completions()[0].detail ==
          "connect: TLS handshake with 127.0.0.1:" + std::to_string(server.port()) +
              " not complete within 200 ms");
  }
  SECTION("cancel_all interrupts handshakes in progress") {
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    constexpr int kN = 5;
    for (int i = 0; i < kN; ++i) REQUIRE(worker.Submit(i) == SP_OK);
    CHECK(worker.PollOnce(NowNs() + 50 * kMs) == 0);
    REQUIRE(server.WaitForConnections(kN));
    worker.CancelAll();
    REQUIRE(worker.completions().size() == kN);
    CHECK(worker.Count(SP_E_INTERRUPTED) == kN);
    for (const auto& [token, n] : worker.per_token()) CHECK(n == 1);
    CHECK(worker.completions()[0].detail == "cancelled by the host");
    CHECK(worker.PollOnce(NowNs() + 30 * kMs) == 0);
    CHECK(worker.completions().size() == kN);
  }
}

TEST_CASE("tls: new connections resume the worker's session unless tls_resume: false", "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa);
  // One response per connection, then close: every request needs a new handshake.
  ScriptServer server(
      [](Conn& c) {
        std::string request;
        if (c.ReadRequest(&request)) c.Send(FixedResponse(200, "x", "Connection: close\r\n"));
      },
      ctx.get());
  constexpr int kN = 5;
  for (bool resume : {true, false}) {
    INFO("tls_resume " << resume);
    const int before_handshakes = server.handshakes();
    const int before_resumed = server.resumed();
    TargetSettings t = Verified(server);
    t.tls_resume = resume;
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    const std::vector<Completion> done = RunSequential(target, kN);
    for (const Completion& c : done) {
      CHECK(c.result.error == SP_E_NONE);
      CHECK(c.result.connect_ns > 0);
    }
    CHECK(server.handshakes() - before_handshakes == kN);
    CHECK(server.resumed() - before_resumed == (resume ? kN - 1 : 0));
  }
}

TEST_CASE("tls: tls_min_version", "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa, TLS1_2_VERSION);  // a TLS 1.2-only server
  ScriptServer server(KeepAlive(FixedResponse(200, "x")), ctx.get());
  for (const char* version : {"1.2", "1.3"}) {
    INFO("tls_min_version " << version);
    TargetSettings t = Verified(server);
    t.tls_min_version = version;
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    const Completion& c = worker.completions()[0];
    if (std::string(version) == "1.2") {
      CHECK(c.result.error == SP_E_NONE);
    } else {
      CHECK(c.result.error == SP_E_TLS);
      CHECK_THAT(c.detail, Catch::StartsWith("TLS handshake failed: "));
    }
  }
}

TEST_CASE("tls: servers closing connections between requests", "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa);
  constexpr int kN = 8;
  SECTION("idle connections closed (close_notify) by the server are replaced") {
    ScriptServer server(
        [](Conn& c) {
          std::string request;
          if (c.ReadRequest(&request)) c.Send(FixedResponse(200, "x"));
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        },
        ctx.get());
    Target target;
    REQUIRE(target.Create(Verified(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    for (int i = 0; i < kN; ++i) {
      REQUIRE(worker.Submit(i) == SP_OK);
      REQUIRE(worker.PollUntil(i + 1));
      if (i % 2 == 0) worker.PollOnce(NowNs() + 60 * kMs);  // sometimes see the close idle
    }
    CHECK(worker.Count(SP_E_NONE) == kN);
  }
  SECTION("a request on a stale connection is retried once on a fresh one") {
    // Answers the first request of each connection, reads the second and resets.
    ScriptServer server(
        [](Conn& c) {
          std::string request;
          if (c.ReadRequest(&request) && c.Send(FixedResponse(200, "x")) &&
              c.ReadRequest(&request)) {
            c.Reset();
          }
        },
        ctx.get());
    Target target;
    REQUIRE(target.Create(Verified(server), {RequestSettings{}}) == SP_OK);
    const std::vector<Completion> done = RunSequential(target, kN);
    for (size_t i = 0; i < done.size(); ++i) {
      INFO(i << ": " << done[i].detail);
      CHECK(done[i].result.error == SP_E_NONE);
      if (i > 0) CHECK(done[i].result.connect_ns > 0);
    }
    CHECK(server.connections() == kN);
  }
}

TEST_CASE("tls: failures after the handshake", "[tls]") {
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa);
  SECTION("bytes that are not TLS records: tls") {
    ScriptServer server(
        [](Conn& c) {
          std::string request;
          if (c.ReadRequest(&request)) ::send(c.fd(), "HTTP/1.1 200 OK\r\n\r\n", 19, MSG_NOSIGNAL);
          c.WaitClosed();
        },
        ctx.get());
    Target target;
    REQUIRE(target.Create(Verified(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    CHECK(worker.completions()[0].result.error == SP_E_TLS);
    CHECK_THAT(worker.completions()[0].detail, Catch::StartsWith("TLS: "));
  }
  SECTION("a reset mid-response: reset, with the status") {
    ScriptServer server(
        [](Conn& c) {
          std::string request;
          if (c.ReadRequest(&request)) c.Send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          c.Reset();
        },
        ctx.get());
    Target target;
    REQUIRE(target.Create(Verified(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    const Completion& c = worker.completions()[0];
    CHECK(c.result.error == SP_E_RESET);
    CHECK(c.result.status == 200);
    CHECK(c.detail == "recv: Connection reset by peer");
  }
  SECTION("close_notify mid-response: reset") {
    ScriptServer server(
        [](Conn& c) {
          std::string request;
          if (c.ReadRequest(&request)) c.Send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
        },
        ctx.get());
    Target target;
    REQUIRE(target.Create(Verified(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    const Completion& c = worker.completions()[0];
    CHECK(c.result.error == SP_E_RESET);
    CHECK_THAT(c.detail, Catch::StartsWith("connection closed by the peer mid-response"));
  }
  SECTION("a stalled response: response_timeout") {
    ScriptServer server([](Conn& c) { c.WaitClosed(); }, ctx.get());
    TargetSettings t = Verified(server);
    t.response_timeout_ns = 200 * kMs;
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    CHECK(worker.completions()[0].result.error == SP_E_RESPONSE_TIMEOUT);
    CHECK(worker.completions()[0].result.connect_ns > 0);
  }
  SECTION("a malformed response inside TLS: protocol") {
    ScriptServer server(KeepAlive("garbage\r\n\r\n"), ctx.get());
    Target target;
    REQUIRE(target.Create(Verified(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    CHECK(worker.completions()[0].result.error == SP_E_PROTOCOL);
    CHECK(worker.completions()[0].detail == "protocol: not an HTTP response");
  }
}

// ---- mutual TLS (client_cert) -------------------------------------------------------------

namespace {

// A server (TLS 1.2 only, or any version with max_version 0) that requires a client certificate
// from the test CA, and answers with the certificate's subject CN.
CtxPtr ClientCertServerCtx(int max_version) {
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa, max_version);
  RequireClientCert(ctx.get());
  return ctx;
}

ScriptServer::Script AnswerWithClientCn() {
  return [](Conn& c) {
    char cn[128] = "(no client certificate)";
    if (X509* peer = SSL_get_peer_certificate(c.ssl())) {
      X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, sizeof cn);
      X509_free(peer);
    }
    std::string request;
    while (c.ReadRequest(&request) && c.Send(FixedResponse(200, cn))) {
    }
  };
}

const char* VersionName(int max_version) { return max_version == TLS1_2_VERSION ? "1.2" : "1.3"; }

}  // namespace

TEST_CASE("tls: client_cert is presented to a server that requires one, on TLS 1.2 and 1.3",
          "[tls][client_cert]") {
  for (int max_version : {TLS1_2_VERSION, 0}) {
    INFO("TLS " << VersionName(max_version));
    CtxPtr ctx = ClientCertServerCtx(max_version);
    ScriptServer server(AnswerWithClientCn(), ctx.get());
    TargetSettings t = Verified(server);
    t.client_cert = TestClientCerts().cert;
    t.client_key = TestClientCerts().encrypted_key;
    t.client_key_password = kClientKeyPassword;
    t.tls_resume = false;  // a full handshake, with the certificate, on every connection
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    CHECK(target.Preflight() == SP_OK);
    Worker worker(target);
    for (uint64_t i = 0; i < 3; ++i) REQUIRE(worker.Submit(i) == SP_OK);
    REQUIRE(worker.PollUntil(3));
    for (const Completion& c : worker.completions()) {
      INFO(c.detail);
      CHECK(c.result.error == SP_E_NONE);
    }
    CHECK(server.requests() == 3);
    // Preflight's, then one per concurrent request.
    CHECK(Eventually([&] { return server.handshakes() == 4; }));
    // The one failure: preflight's TCP probe, which connects and closes without TLS.
    CHECK(server.handshake_failures() == 1);
  }
}

TEST_CASE("tls: the intermediate CAs after client_cert's leaf are sent with it",
          "[tls][client_cert]") {
  CtxPtr ctx = ClientCertServerCtx(0);  // trusts only the test CA, not the intermediate
  ScriptServer server(AnswerWithClientCn(), ctx.get());
  TargetSettings t = Verified(server);
  t.client_key = TestClientCerts().chained_key;
  t.client_cert = TestClientCerts().chained_cert;
  {
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    const std::vector<Completion> done = RunSequential(target, 1);
    CHECK(done[0].result.error == SP_E_NONE);
  }
  t.client_cert = TestClientCerts().unchained_cert;  // the leaf alone: the server cannot verify it
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  const std::vector<Completion> done = RunSequential(target, 1);
  CHECK(done[0].result.error == SP_E_TLS_CLIENT_CERT);
  CHECK(done[0].detail == "the server refused the client certificate: tlsv1 alert unknown ca");
}

TEST_CASE("tls: a client certificate does no harm with a server that does not ask for one",
          "[tls][client_cert]") {
  CtxPtr ctx = ServerCtx(ServerCert::kSignedByCa);
  ScriptServer server(AnswerWithClientCn(), ctx.get());
  TargetSettings t = Verified(server);
  t.client_cert = TestClientCerts().combined;
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  const std::vector<Completion> done = RunSequential(target, 2);
  for (const Completion& c : done) CHECK(c.result.error == SP_E_NONE);
}

TEST_CASE("tls: a refused or missing client certificate fails requests as tls_client_cert",
          "[tls][client_cert]") {
  struct Case {
    int max_version;
    bool other_ca;       // false: no client_cert at all
    std::string detail;  // what each request reports
  };
  const std::string none =
      "the server requires a client certificate and none is set (client_cert): ";
  const std::string refused = "the server refused the client certificate: ";
  const std::vector<Case> cases = {
      // TLS 1.3: the server's verdict arrives after the client's handshake, on the first read.
      {0, false, none + "tlsv13 alert certificate required"},
      {0, true, refused + "tlsv1 alert unknown ca"},
      // TLS 1.2: in the handshake; OpenSSL servers answer a missing certificate with
      // handshake_failure, which counts as about the certificate only because one was asked for.
      {TLS1_2_VERSION, false, none + "sslv3 alert handshake failure"},
      {TLS1_2_VERSION, true, refused + "tlsv1 alert unknown ca"},
  };
  for (const Case& k : cases) {
    INFO("TLS " << VersionName(k.max_version)
                << (k.other_ca ? ", another CA's certificate" : ", no certificate"));
    CtxPtr ctx = ClientCertServerCtx(k.max_version);
    ScriptServer server(AnswerWithClientCn(), ctx.get());
    TargetSettings t = Verified(server);
    if (k.other_ca) {
      t.client_cert = TestClientCerts().other_ca_cert;
      t.client_key = TestClientCerts().other_ca_key;
    }
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    const std::vector<Completion> done = RunSequential(target, 3);
    for (const Completion& c : done) {
      CHECK(c.result.error == SP_E_TLS_CLIENT_CERT);
      CHECK(c.detail == k.detail);
      CHECK(c.result.status == 0);
    }
    CHECK(server.requests() == 0);
    if (k.max_version == TLS1_2_VERSION) {
      // Preflight sees a TLS 1.2 refusal in its handshake and stops the run with a hint.
      REQUIRE(target.Preflight() == SP_ERROR);
      CHECK_THAT(std::string(target.error().message),
                 Catch::Contains("failed: " + k.detail + "; set client_cert"));
    } else {
      // A TLS 1.3 handshake completes before the verdict: preflight cannot tell.
      CHECK(target.Preflight() == SP_OK);
    }
  }
}

TEST_CASE("tls: options", "[tls][options]") {
  const sp_plugin_descriptor* d = sp::http::PluginDescriptor();
  auto decl = [d](const std::string& name) -> const sp_option_decl* {
    for (size_t i = 0; i < d->option_count; ++i) {
      if (name == d->options[i].name) return &d->options[i];
    }
    return nullptr;
  };
  REQUIRE(decl("insecure") != nullptr);
  CHECK(decl("insecure")->type == SP_OPT_BOOL);
  CHECK(std::string(decl("insecure")->default_value) == "false");
  REQUIRE(decl("ca_file") != nullptr);
  CHECK(decl("ca_file")->type == SP_OPT_PATH);
  REQUIRE(decl("server_name") != nullptr);
  CHECK(decl("server_name")->type == SP_OPT_STRING);
  REQUIRE(decl("tls_min_version") != nullptr);
  CHECK(std::string(decl("tls_min_version")->default_value) == "1.2");
  REQUIRE(decl("tls_resume") != nullptr);
  CHECK(std::string(decl("tls_resume")->default_value) == "true");
  for (const char* path_option : {"client_cert", "client_key"}) {
    REQUIRE(decl(path_option) != nullptr);
    CHECK(decl(path_option)->type == SP_OPT_PATH);  // relative to the plan's folder
    CHECK(decl(path_option)->default_value == nullptr);
  }
  REQUIRE(decl("client_key_password") != nullptr);
  CHECK(decl("client_key_password")->type == SP_OPT_STRING);

  auto refused = [](const TargetSettings& t, const std::string& option, const std::string& text) {
    Target target;
    CHECK(target.Create(t, {}) == SP_INVALID_ARGUMENT);
    CHECK(std::string(target.error().option) == option);
    CHECK_THAT(std::string(target.error().message), Catch::Contains(text));
  };
  TargetSettings t;
  t.base_url = "https://127.0.0.1:1";
  t.ca_file = "/nonexistent/ca.pem";
  refused(t, "ca_file", "ca_file /nonexistent/ca.pem: No such file or directory");

  char junk_path[] = "/tmp/stressplan-junk-ca-XXXXXX";
  const int fd = mkstemp(junk_path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, "not a certificate\n", 18) == 18);
  close(fd);
  t.ca_file = junk_path;
  refused(t, "ca_file", "cannot be used as CA certificates");
  std::remove(junk_path);

  t.ca_file.reset();
  t.tls_min_version = "1.1";
  refused(t, "tls_min_version", "use \"1.2\" or \"1.3\"");
  t.tls_min_version.reset();
  t.server_name = "https://example.com/";
  refused(t, "server_name", "is not a host name");

  // The TLS options are accepted (and unused) with http://.
  TargetSettings plain;
  plain.base_url = "http://127.0.0.1:1";
  plain.insecure = true;
  plain.tls_min_version = "1.3";
  Target target;
  CHECK(target.Create(plain, {}) == SP_OK);
}
