// The worker end to end through the vtable, against real servers on 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <thread>

#include "test_host.h"
#include "test_server.h"

using namespace sp::http::test;
using Mode = TestServer::Mode;

namespace {

TargetSettings SettingsFor(const TestServer& server) {
  TargetSettings t;
  t.base_url = server.Url();
  return t;
}

void CheckOnceEach(const Worker& worker, size_t tokens) {
  CHECK(worker.per_token().size() == tokens);
  for (const auto& [token, n] : worker.per_token()) {
    INFO("token " << token);
    CHECK(n == 1);
  }
}

}  // namespace

TEST_CASE("worker: sequential keep-alive requests share one connection", "[worker]") {
  TestServer server({});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  constexpr size_t kN = 25;
  for (size_t i = 0; i < kN; ++i) {
    REQUIRE(worker.Submit(100 + i) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1));
  }
  CHECK(worker.Count(SP_E_NONE) == kN);
  CHECK(server.connections() == 1);
  CHECK(server.requests() == static_cast<int>(kN));
  CheckOnceEach(worker, kN);

  const std::string response = "HTTP/1.1 200 Status\r\nContent-Length: 5\r\n\r\nhello";
  for (size_t i = 0; i < kN; ++i) {
    const sp_result& r = worker.completions()[i].result;
    INFO("request " << i);
    CHECK(r.struct_size == sizeof(sp_result));
    CHECK(r.token == 100 + i);
    CHECK(r.status == 200);
    CHECK(r.bytes_received == response.size());
    CHECK(r.bytes_sent > 0);
    CHECK(r.start_ns > 0);
    CHECK(r.end_ns >= r.start_ns);
    CHECK(r.ttfb_ns > 0);
    CHECK(r.ttfb_ns <= r.end_ns - r.start_ns);
    CHECK(r.events == nullptr);
    CHECK(r.event_count == 0);
    CHECK(worker.completions()[i].detail.empty());
    if (i == 0) {
      CHECK(r.connect_ns > 0);
    } else {
      CHECK(r.connect_ns == 0);
    }
  }
}

TEST_CASE("worker: concurrent requests open one connection per request in flight", "[worker]") {
  TestServer server({});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  constexpr int kUsers = 50;
  for (int round = 0; round < 3; ++round) {
    for (int u = 0; u < kUsers; ++u) REQUIRE(worker.Submit(round * kUsers + u) == SP_OK);
    REQUIRE(worker.PollUntil((round + 1) * kUsers));
  }
  CHECK(worker.Count(SP_E_NONE) == 3 * kUsers);
  CHECK(server.requests() == 3 * kUsers);
  CHECK(server.connections() == kUsers);
  CheckOnceEach(worker, 3 * kUsers);
}

TEST_CASE("worker: a user that leaves closes its connection; the others keep theirs",
          "[worker][release_vu]") {
  TestServer server({});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  constexpr uint32_t kUsers = 20;
  uint64_t token = 0;
  // Every user has a request in flight at once, twice: one connection each, kept.
  for (uint64_t iteration = 0; iteration < 2; ++iteration) {
    for (uint32_t vu = 0; vu < kUsers; ++vu) {
      REQUIRE(worker.SubmitAs(token++, 0, vu, iteration) == SP_OK);
    }
    REQUIRE(worker.PollUntil(token));
  }
  REQUIRE(server.connections() == static_cast<int>(kUsers));
  REQUIRE(server.WaitForOpenConnections(kUsers));

  for (uint32_t vu = 2; vu < kUsers; ++vu) worker.ReleaseVu(vu);
  CHECK(server.WaitForOpenConnections(2));  // the server sees the users that are left
  worker.ReleaseVu(7);                      // again, or never seen: nothing to close
  worker.ReleaseVu(1000);

  // The two users still there carry on, each on its own connection.
  for (uint64_t iteration = 2; iteration < 5; ++iteration) {
    for (uint32_t vu = 0; vu < 2; ++vu)
      REQUIRE(worker.SubmitAs(token++, 0, vu, iteration) == SP_OK);
    REQUIRE(worker.PollUntil(token));
  }
  CHECK(worker.Count(SP_E_NONE) == token);
  CHECK(server.connections() == static_cast<int>(kUsers));  // no new connection
  CHECK(server.OpenConnections() == 2);
  for (const Completion& c : worker.completions()) {
    if (c.result.token >= 2 * kUsers) CHECK(c.result.connect_ns == 0);
  }
  CheckOnceEach(worker, token);
}

TEST_CASE("worker: a connection taken over by a new user stays with it when the old owner leaves",
          "[worker][release_vu]") {
  TestServer server({});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  // Users 0 and 1 get a connection each; user 2 arrives while both are idle and takes one over.
  REQUIRE(worker.SubmitAs(0, 0, 0, 0) == SP_OK);
  REQUIRE(worker.SubmitAs(1, 0, 1, 0) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  REQUIRE(worker.SubmitAs(2, 0, 2, 0) == SP_OK);
  REQUIRE(worker.PollUntil(3));
  CHECK(worker.completions()[2].result.connect_ns == 0);
  REQUIRE(server.WaitForOpenConnections(2));

  // Users 0 and 1 leave: one of them still owns its connection (closed), the other's is user
  // 2's now (kept).
  worker.ReleaseVu(0);
  worker.ReleaseVu(1);
  CHECK(server.WaitForOpenConnections(1));
  REQUIRE(worker.SubmitAs(3, 0, 2, 1) == SP_OK);
  REQUIRE(worker.PollUntil(4));
  CHECK(worker.completions()[3].result.connect_ns == 0);  // user 2 kept it
  CHECK(server.connections() == 2);
  CHECK(server.OpenConnections() == 1);
}

TEST_CASE("worker: large requests and responses", "[worker]") {
  // 8 MiB is more than a loopback socket buffer takes at once: the request is written in
  // parts as the socket drains, and the response read over many reads.
  TestServer server({Mode::kKeepAlive, 200, std::string(1 << 20, 'r')});
  RequestSettings upload;
  upload.method = "POST";
  upload.path = "/upload";
  upload.body = std::string(8 << 20, 'b');
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {upload}) == SP_OK);
  Worker worker(target);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(worker.Submit(i) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1));
  }
  CHECK(worker.Count(SP_E_NONE) == 3);
  CHECK(server.connections() == 1);
  const std::string& received = server.LastRequest();
  CHECK(received.size() > (8u << 20));
  for (const Completion& c : worker.completions()) {
    CHECK(c.result.bytes_sent == received.size());
    CHECK(c.result.bytes_received > (1u << 20));
  }
}

TEST_CASE("worker: chunked responses", "[worker]") {
  TestServer server({Mode::kChunked});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(worker.Submit(i) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1));
  }
  CHECK(worker.Count(SP_E_NONE) == 5);
  CHECK(server.connections() == 1);
}

TEST_CASE("worker: body until close", "[worker]") {
  TestServer server({Mode::kUntilClose, 200, "streamed"});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(worker.Submit(i) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1));
  }
  CHECK(worker.Count(SP_E_NONE) == 3);
  CHECK(worker.completions()[0].result.bytes_received ==
        std::string("HTTP/1.1 200 Status\r\n\r\nstreamed").size());
  CHECK(server.connections() == 3);
}

TEST_CASE("worker: the server closing connections is not an error", "[worker]") {
  constexpr int kN = 10;
  SECTION("Connection: close after each response") {
    TestServer server({Mode::kCloseEach});
    Target target;
    REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    for (int i = 0; i < kN; ++i) {
      REQUIRE(worker.Submit(i) == SP_OK);
      REQUIRE(worker.PollUntil(i + 1));
    }
    CHECK(worker.Count(SP_E_NONE) == kN);
    CHECK(server.connections() == kN);
    CHECK(server.requests() == kN);
  }
  SECTION("a request on a stale keep-alive connection is retried once on a fresh one") {
    // Each connection answers its first request and drops the second unanswered.
    TestServer server({Mode::kDropSecond});
    Target target;
    REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    for (int i = 0; i < kN; ++i) {
      REQUIRE(worker.Submit(i) == SP_OK);
      REQUIRE(worker.PollUntil(i + 1));
    }
    CHECK(worker.Count(SP_E_NONE) == kN);
    CHECK(server.connections() == kN);
    CHECK(server.requests() == 2 * kN - 1);  // every reused connection saw one dropped request
    for (int i = 1; i < kN; ++i) CHECK(worker.completions()[i].result.connect_ns > 0);
    CheckOnceEach(worker, kN);
  }
  SECTION("idle connections closed by the server between requests") {
    TestServer server({Mode::kIdleClose});
    Target target;
    REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    for (int i = 0; i < kN; ++i) {
      REQUIRE(worker.Submit(i) == SP_OK);
      REQUIRE(worker.PollUntil(i + 1));
      // Alternate: sometimes let the close arrive while idle, sometimes race it.
      if (i % 2 == 0) worker.PollOnce(NowNs() + 60 * kMs);
    }
    CHECK(worker.Count(SP_E_NONE) == kN);
    CheckOnceEach(worker, kN);
  }
}

TEST_CASE("worker: 4xx and 5xx are classified with their status", "[worker]") {
  for (int status : {404, 503, 302}) {
    TestServer server({Mode::kKeepAlive, status, "x"});
    Target target;
    REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    const sp_result& r = worker.completions()[0].result;
    CHECK(r.status == status);
    CHECK(r.error == (status == 404 ? SP_E_HTTP_4XX : status == 503 ? SP_E_HTTP_5XX : SP_E_NONE));
  }
}

TEST_CASE("worker: connect_refused", "[worker]") {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:" + std::to_string(UnusedPort());
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  for (int i = 0; i < 3; ++i) REQUIRE(worker.Submit(i) == SP_OK);
  CHECK(worker.completions().empty());  // never from inside submit
  REQUIRE(worker.PollUntil(3));
  CHECK(worker.Count(SP_E_CONNECT_REFUSED) == 3);
  const Completion& c = worker.completions()[0];
  CHECK_THAT(c.detail, Catch::StartsWith("connect: Connection refused (127.0.0.1:"));
  CHECK(c.result.status == 0);
  CHECK(c.result.bytes_received == 0);
  CheckOnceEach(worker, 3);
}

TEST_CASE("worker: connect_timeout", "[worker]") {
  // A listener that never accepts, its backlog full: further SYNs are dropped, so connects hang.
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listener, 0) == 0);
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::vector<int> fillers;
  bool hanging = false;
  for (int i = 0; i < 8 && !hanging; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(fd);
    pollfd p{fd, POLLOUT, 0};
    hanging = ::poll(&p, 1, 200) == 0;
  }
  REQUIRE(hanging);

  TargetSettings t;
  t.base_url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  t.connect_timeout_ns = 150 * kMs;
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  {
    Worker worker(target);
    REQUIRE(worker.Submit(7) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    const sp_result& r = worker.completions()[0].result;
    CHECK(r.error == SP_E_CONNECT_TIMEOUT);
    CHECK(r.end_ns - r.start_ns >= 150 * kMs);
    CHECK(r.end_ns - r.start_ns < 1000 * kMs);
    CHECK_THAT(worker.completions()[0].detail, Catch::Contains("within 150 ms"));
  }
  for (int fd : fillers) close(fd);
  close(listener);
}

TEST_CASE("worker: response_timeout", "[worker]") {
  TestServer server({Mode::kStall});
  TargetSettings t = SettingsFor(server);
  t.response_timeout_ns = 200 * kMs;
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.Submit(2) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  CHECK(worker.Count(SP_E_RESPONSE_TIMEOUT) == 2);
  for (const Completion& c : worker.completions()) {
    CHECK(c.result.end_ns - c.result.start_ns >= 200 * kMs);
    CHECK(c.result.end_ns - c.result.start_ns < 1500 * kMs);
    CHECK(c.detail == "no complete response within 200 ms");
  }
  CHECK(server.requests() == 2);
}

TEST_CASE("worker: reset mid-response", "[worker]") {
  TestServer server({Mode::kResetMidResponse});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(worker.Submit(i) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1));
  }
  CHECK(worker.Count(SP_E_RESET) == 3);
  const sp_result& r = worker.completions()[0].result;
  CHECK(r.status == 200);  // the head had arrived
  CHECK(r.bytes_received > 0);
  CHECK(server.requests() == 3);  // no retry once response bytes arrived
}

TEST_CASE("worker: a malformed response is a protocol error", "[worker]") {
  TestServer server({Mode::kGarbage});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.Submit(2) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  CHECK(worker.Count(SP_E_PROTOCOL) == 2);
  CHECK(worker.completions()[0].detail == "protocol: not an HTTP response");
}

TEST_CASE("worker: cancel_all completes every request in flight once, as interrupted", "[worker]") {
  TestServer server({Mode::kStall});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  constexpr int kN = 6;
  for (int i = 0; i < kN; ++i) REQUIRE(worker.Submit(i) == SP_OK);
  CHECK(worker.PollOnce(NowNs() + 50 * kMs) == 0);
  REQUIRE(server.WaitForRequests(kN));
  worker.CancelAll();
  REQUIRE(worker.completions().size() == kN);
  CHECK(worker.Count(SP_E_INTERRUPTED) == kN);
  CheckOnceEach(worker, kN);
  CHECK(worker.completions()[0].detail == "cancelled by the host");
  // Nothing more arrives afterwards.
  CHECK(worker.PollOnce(NowNs() + 30 * kMs) == 0);
  CHECK(worker.completions().size() == kN);
}

TEST_CASE("worker: cancel_all also delivers failures queued by submit", "[worker]") {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:" + std::to_string(UnusedPort());
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  worker.CancelAll();
  REQUIRE(worker.completions().size() == 1);
  CHECK(worker.per_token().at(1) == 1);
}

TEST_CASE("worker: poll waits until the deadline when nothing completes", "[worker]") {
  TestServer server({});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  const uint64_t start = NowNs();
  CHECK(worker.PollOnce(start + 40 * kMs) == 0);
  const uint64_t waited = NowNs() - start;
  CHECK(waited >= 40 * kMs);
  CHECK(waited < 500 * kMs);
  // A deadline in the past still runs one I/O pass and returns at once.
  const uint64_t again = NowNs();
  CHECK(worker.PollOnce(0) == 0);
  CHECK(NowNs() - again < 200 * kMs);
}

TEST_CASE("worker: submit refuses an unknown request index", "[worker]") {
  TestServer server({});
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  CHECK(worker.Submit(1, 5) == SP_INVALID_ARGUMENT);
  CHECK_THAT(std::string(worker.error().message), Catch::Contains("request index 5 is out of range"));
  CHECK(worker.PollOnce(NowNs() + 10 * kMs) == 0);
}

TEST_CASE("worker: an unresolvable host fails requests with dns", "[worker]") {
  TargetSettings t;
  t.base_url = "http://no-such-host.invalid:8080";
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  CHECK(target.Preflight() == SP_ERROR);
  CHECK_THAT(std::string(target.error().message),
             Catch::Contains("cannot resolve host \"no-such-host.invalid\""));
  CHECK(std::string(target.error().option) == "base_url");
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  CHECK(worker.completions()[0].result.error == SP_E_DNS);
  CHECK_THAT(worker.completions()[0].detail, Catch::StartsWith("dns: cannot resolve"));
}

TEST_CASE("preflight: reachable and refused targets", "[worker]") {
  TestServer server({});
  Target up;
  REQUIRE(up.Create(SettingsFor(server), {}) == SP_OK);
  CHECK(up.Preflight() == SP_OK);

  TargetSettings t;
  t.base_url = "http://127.0.0.1:" + std::to_string(UnusedPort()) + "/api";
  Target down;
  REQUIRE(down.Create(t, {}) == SP_OK);
  CHECK(down.Preflight() == SP_ERROR);
  const std::string message = down.error().message;
  CHECK_THAT(message, Catch::Contains("cannot connect to base_url " + *t.base_url));
  CHECK_THAT(message, Catch::Contains("connection refused"));
  CHECK(std::string(down.error().option) == "base_url");
}

TEST_CASE("worker: localhost falls back across its addresses", "[worker]") {
  // Whatever localhost resolves to first (::1 or 127.0.0.1), requests reach the IPv4 server.
  TestServer server({});
  TargetSettings t;
  t.base_url = "http://localhost:" + std::to_string(server.port());
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  CHECK(target.Preflight() == SP_OK);
  Worker worker(target);
  for (int i = 0; i < 3; ++i) REQUIRE(worker.Submit(i) == SP_OK);
  REQUIRE(worker.PollUntil(3));
  CHECK(worker.Count(SP_E_NONE) == 3);
}

TEST_CASE("worker: max_connections queues requests in the target, in order", "[worker]") {
  TestServer server({});
  Target target;
  TargetSettings settings = SettingsFor(server);
  settings.max_connections = 3;
  REQUIRE(target.Create(settings, {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  constexpr size_t kN = 40;
  for (size_t i = 0; i < kN; ++i) REQUIRE(worker.Submit(i) == SP_OK);
  REQUIRE(worker.PollUntil(kN));
  CHECK(worker.Count(SP_E_NONE) == kN);
  CHECK(server.connections() == 3);  // never more than the cap
  CHECK(server.requests() == static_cast<int>(kN));
  CheckOnceEach(worker, kN);
  // A queued request's service time starts when it gets a connection: later ones start later.
  uint64_t first_start = worker.completions()[0].result.start_ns;
  uint64_t last_start = 0;
  for (const auto& c : worker.completions()) last_start = std::max(last_start, c.result.start_ns);
  CHECK(last_start > first_start);
}

TEST_CASE("worker: cancel_all completes requests still waiting for a connection", "[worker]") {
  TestServer server({Mode::kStall});
  Target target;
  TargetSettings settings = SettingsFor(server);
  settings.max_connections = 1;
  REQUIRE(target.Create(settings, {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  for (uint64_t i = 0; i < 5; ++i) REQUIRE(worker.Submit(i) == SP_OK);
  CHECK_FALSE(worker.PollUntil(1, 50 * kMs));  // the server never answers
  worker.CancelAll();
  CHECK(worker.Count(SP_E_INTERRUPTED) == 5);
  CheckOnceEach(worker, 5);
}

TEST_CASE("worker: local_addresses binds user n's connections to address n mod count", "[worker]") {
  TestServer server({});
  TargetSettings t = SettingsFor(server);
  t.local_addresses = R"(["127.0.0.2", "127.0.0.3"])";
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  SECTION("odd users: all from the second address") {
    Worker worker(target);
    // In flight together: each opens its own connection.
    for (uint32_t vu : {1u, 3u, 5u}) REQUIRE(worker.SubmitAs(vu, 0, vu, 0) == SP_OK);
    REQUIRE(worker.PollUntil(3));
    CHECK(worker.Count(SP_E_NONE) == 3);
    CHECK(server.Peers() == std::vector<std::string>(3, "127.0.0.3"));
  }
  SECTION("users 0 to 5: three connections from each address") {
    Worker worker(target);
    for (uint32_t vu = 0; vu < 6; ++vu) REQUIRE(worker.SubmitAs(vu, 0, vu, 0) == SP_OK);
    REQUIRE(worker.PollUntil(6));
    CHECK(worker.Count(SP_E_NONE) == 6);
    std::vector<std::string> peers = server.Peers();
    std::sort(peers.begin(), peers.end());
    CHECK(peers == std::vector<std::string>{"127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.3",
                                            "127.0.0.3", "127.0.0.3"});
  }
}

TEST_CASE("worker: localhost with IPv4 local_addresses skips its IPv6 address", "[worker]") {
  TestServer server({});
  TargetSettings t;
  t.base_url = "http://localhost:" + std::to_string(server.port());
  t.local_addresses = R"(["127.0.0.2"])";  // a host name: checked per connection, not at create
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.SubmitAs(1, 0, 7, 0) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  CHECK(worker.Count(SP_E_NONE) == 1);
  CHECK(server.Peers() == std::vector<std::string>{"127.0.0.2"});
}

TEST_CASE("worker: a local address not on this host fails the request at once, naming it",
          "[worker]") {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine, so bind refuses it.
  TestServer server({});
  for (const char* protocol : {"http1", "http2"}) {
    INFO(protocol);
    TargetSettings t = SettingsFor(server);
    t.protocol = protocol;
    t.local_addresses = R"(["192.0.2.1"])";
    Target target;
    REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    const uint64_t start = NowNs();
    REQUIRE(worker.SubmitAs(1, 0, 0, 0) == SP_OK);
    REQUIRE(worker.PollUntil(1, 1'000 * kMs));  // not after connect_timeout: at once
    CHECK(NowNs() - start < 500 * kMs);
    const Completion& c = worker.completions()[0];
    CHECK(c.result.error == SP_E_LOCAL_LIMIT);
    CHECK(c.detail ==
          "connect: bind to local address 192.0.2.1 (local_addresses): Cannot assign requested "
          "address");
  }
  CHECK(server.connections() == 0);
}
