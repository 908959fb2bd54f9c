// Every error kind the http target produces, each from a real socket on 127.0.0.1 that
// misbehaves on purpose, and the framing cases that must not be errors. This fills the gaps
// worker_test.cc leaves; what it already proves is listed here and not repeated:
//   connect_refused   worker_test "connect_refused" (a closed port)
//   connect_timeout   worker_test "connect_timeout": a listener with backlog 0 that never
//                     accepts, filled with connections until further SYNs are dropped, so a
//                     loopback connect hangs until the timeout
//   dns               worker_test "an unresolvable host" (+ the timing below)
//   tls               worker_tls_test.cc (untrusted, self-signed, name mismatch, plain HTTP, ...)
//   reset             worker_test "reset mid-response" (RST via SO_LINGER 0 after 3 body bytes)
//   response_timeout  worker_test "response_timeout" (a server that never answers)
//   protocol          worker_test "a malformed response" (bytes that are not HTTP)
//   http_4xx/5xx      worker_test "4xx and 5xx are classified with their status"
//   interrupted       worker_test "cancel_all completes every request in flight"
//   local_limit       below: EMFILE, and the descriptors kept free for stressplan itself
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "script_server.h"
#include "test_host.h"
#include "test_server.h"

using namespace sp::http::test;
using Conn = ScriptServer::Conn;

namespace {

TargetSettings SettingsFor(const ScriptServer& server) {
  TargetSettings t;
  t.base_url = server.Url();
  return t;
}

// One request against a server that answers it with `response` and then holds the connection
// open (so what the client sees comes from the bytes, not from a close).
Completion AnswerOnce(const std::string& response, TargetSettings t = {}) {
  ScriptServer server([&response](Conn& c) {
    std::string request;
    if (c.ReadRequest(&request)) c.Send(response);
    c.WaitClosed();
  });
  t.base_url = server.Url();
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  return worker.completions()[0];
}

// 6 MiB and a bit: far more than a socket buffer, so it arrives over many reads.
std::string BigBody() {
  std::string big(6 * 1024 * 1024 + 3, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('0' + i % 10);
  return big;
}

RequestSettings Step(std::string method, std::string path) {
  RequestSettings r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

}  // namespace

TEST_CASE("taxonomy: dns for a name under .invalid fails at once, without asking the network",
          "[taxonomy]") {
  const uint64_t start = NowNs();
  TargetSettings t;
  t.base_url = "http://stressplan-test.invalid:8080";
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  CHECK(target.Preflight() == SP_ERROR);
  CHECK(std::string(target.error().message) ==
        "cannot resolve host \"stressplan-test.invalid\" of base_url "
        "http://stressplan-test.invalid:8080: Name or service not known");
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  const Completion& c = worker.completions()[0];
  CHECK(c.result.error == SP_E_DNS);
  CHECK(c.result.status == 0);
  CHECK(c.detail == "dns: cannot resolve \"stressplan-test.invalid\": Name or service not known");
  // create, preflight and the worker each resolve: none of them may wait for a DNS server.
  CHECK(NowNs() - start < 1'000 * kMs);
}

TEST_CASE("taxonomy: reset and close before any response byte on a fresh connection",
          "[taxonomy]") {
  // A fresh connection is not retried (only a reused keep-alive one is): the request fails.
  SECTION("RST after reading the request") {
    ScriptServer server([](Conn& c) {
      std::string request;
      if (c.ReadRequest(&request)) c.Reset();
    });
    Target target;
    REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    const Completion& c = worker.completions()[0];
    CHECK(c.result.error == SP_E_RESET);
    CHECK(c.detail == "recv: Connection reset by peer");
    CHECK(c.result.status == 0);
    CHECK(c.result.bytes_received == 0);
    CHECK(server.connections() == 1);
  }
  SECTION("FIN after reading the request") {
    ScriptServer server([](Conn& c) {
      std::string request;
      c.ReadRequest(&request);
    });
    Target target;
    REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
    Worker worker(target);
    REQUIRE(worker.Submit(1) == SP_OK);
    REQUIRE(worker.PollUntil(1));
    const Completion& c = worker.completions()[0];
    CHECK(c.result.error == SP_E_RESET);
    CHECK(c.detail == "connection closed by the peer before any response byte");
    CHECK(server.connections() == 1);
  }
}

TEST_CASE("taxonomy: a response that stalls after its head is response_timeout with the status",
          "[taxonomy]") {
  const std::string sent = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst-bytes";
  TargetSettings t;
  t.response_timeout_ns = 200 * kMs;
  const Completion c = AnswerOnce(sent, t);
  CHECK(c.result.error == SP_E_RESPONSE_TIMEOUT);
  CHECK(c.result.status == 200);
  CHECK(c.result.bytes_received == sent.size());
  CHECK(c.result.end_ns - c.result.start_ns >= 200 * kMs);
  CHECK(c.detail == "no complete response within 200 ms");
}

TEST_CASE("taxonomy: malformed responses from a real server are protocol errors", "[taxonomy]") {
  const std::string ok = "HTTP/1.1 200 OK\r\n";
  const std::string chunked = ok + "Transfer-Encoding: chunked\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {chunked + "zz\r\nhello\r\n0\r\n\r\n", "malformed chunk size"},
      {chunked + "5 x\r\nhello\r\n0\r\n\r\n", "malformed chunk size"},
      {chunked + "5\r\nhelloXX\r\n0\r\n\r\n", "chunk data not followed by CRLF"},
      {chunked + "fffffffffffffffffff\r\n", "chunk size too large"},
      {ok + "Content-Length: 12abc\r\n\r\n", "invalid Content-Length"},
      {ok + "Content-Length: -1\r\n\r\n", "invalid Content-Length"},
      {ok + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "invalid Content-Length"},
      {ok + "Content-Length: 5, 6\r\n\r\nhello", "invalid Content-Length"},
      {"HTTP/2.0 200 OK\r\n\r\n", "unsupported HTTP version"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "malformed status code"},
      {ok + "NoColonHere\r\n\r\n", "malformed header field"},
      {ok + "Bad Name: x\r\n\r\n", "malformed header field name"},
      {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
       "unexpected 101 Switching Protocols"},
      {"SSH-2.0-OpenSSH_9.2\r\n", "not an HTTP response"},
  };
  for (const auto& [response, why] : cases) {
    INFO(response);
    const Completion c = AnswerOnce(response);
    CHECK(c.result.error == SP_E_PROTOCOL);
    CHECK(c.detail == "protocol: " + why);
  }
}

TEST_CASE("taxonomy: cancel_all mid-body is interrupted with the status", "[taxonomy]") {
  std::atomic<bool> sent{false};
  ScriptServer server([&sent](Conn& c) {
    std::string request;
    if (c.ReadRequest(&request)) {
      c.Send("HTTP/1.1 203 Partial\r\nContent-Length: 100\r\n\r\nabc");
      sent = true;
    }
    c.WaitClosed();
  });
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  const uint64_t until = NowNs() + 5'000 * kMs;
  while (!sent && NowNs() < until) CHECK(worker.PollOnce(NowNs() + 5 * kMs) == 0);
  REQUIRE(sent);
  CHECK(worker.PollOnce(NowNs() + 50 * kMs) == 0);  // reads the head and the 3 bytes
  worker.CancelAll();
  REQUIRE(worker.completions().size() == 1);
  const Completion& c = worker.completions()[0];
  CHECK(c.result.error == SP_E_INTERRUPTED);
  CHECK(c.result.status == 203);
  CHECK(c.result.bytes_received > 0);
  CHECK(c.detail == "cancelled by the host");
}

TEST_CASE("taxonomy: local_limit: no file descriptor left for a socket", "[taxonomy]") {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:" + std::to_string(UnusedPort());
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  Worker worker(target);  // its epoll descriptor exists before the limit is hit

  // Lower the soft limit just above the highest descriptor in use and fill every free one
  // below it, so the worker's socket() (inside submit) fails with EMFILE. No Catch assertion
  // may run in that window: the sanitizers' memory checks need descriptors of their own.
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
  int highest = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(dir)) highest = std::max(highest, std::atoi(e->d_name));
    closedir(dir);
  }
  rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(highest + 16);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  std::vector<int> fillers;
  int fill_errno = 0;
  while (true) {
    const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      fill_errno = errno;
      break;
    }
    fillers.push_back(fd);
  }
  const sp_status submitted = worker.Submit(1);
  for (int fd : fillers) close(fd);
  setrlimit(RLIMIT_NOFILE, &old);

  REQUIRE(fill_errno == EMFILE);
  REQUIRE(submitted == SP_OK);
  REQUIRE(worker.PollUntil(1));
  const Completion& c = worker.completions()[0];
  CHECK(c.result.error == SP_E_LOCAL_LIMIT);  // the generator's limit, not the target's failure
  CHECK(c.detail == "socket: Too many open files");
}

TEST_CASE("taxonomy: local_limit: the last 32 descriptors are kept for stressplan itself",
          "[taxonomy]") {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:" + std::to_string(UnusedPort());
  Target target;
  REQUIRE(target.Create(t, {RequestSettings{}}) == SP_OK);
  Worker worker(target);

  // The lowest free descriptor is what socket() would get; a soft limit 20 above it leaves
  // fewer than 32 free: the socket is refused (and closed) although the kernel had one.
  const int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(probe >= 0);
  close(probe);
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
  rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(probe + 20);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  const sp_status submitted = worker.Submit(1);  // no Catch assertion while the limit is low
  setrlimit(RLIMIT_NOFILE, &old);

  REQUIRE(submitted == SP_OK);
  REQUIRE(worker.PollUntil(1));
  const Completion& c = worker.completions()[0];
  CHECK(c.result.error == SP_E_LOCAL_LIMIT);
  CHECK(c.detail == "socket: fewer than 32 of the " + std::to_string(probe + 20) +
                        " file descriptors (RLIMIT_NOFILE) left; they are kept for stressplan's "
                        "reports and journal (raise ulimit -n)");
  const int after = open("/dev/null", O_RDONLY | O_CLOEXEC);  // the refused socket was closed
  CHECK(after == probe);
  if (after >= 0) close(after);

  // With the limit back, the same worker connects (here: refused, the port is closed).
  REQUIRE(worker.Submit(2) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  CHECK(worker.completions()[1].result.error == SP_E_CONNECT_REFUSED);
}

TEST_CASE("taxonomy: HEAD, 204 and 304 have no body and keep the connection", "[taxonomy]") {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
  const std::string no_content = "HTTP/1.1 204 No Content\r\n\r\n";
  const std::string not_modified =
      "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 1000\r\n\r\n";
  const std::string after = FixedResponse(200, "after");
  ScriptServer server([&](Conn& c) {
    std::string request;
    while (c.ReadRequest(&request)) {
      const std::string path = RequestPath(request);
      const std::string& response = path == "/head" ? head
                                    : path == "/204" ? no_content
                                    : path == "/304" ? not_modified
                                                     : after;
      if (!c.Send(response)) return;
    }
  });
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {Step("HEAD", "/head"), Step("GET", "/204"),
                                              Step("GET", "/304"), Step("GET", "/after")}) ==
          SP_OK);
  Worker worker(target);
  const std::vector<std::pair<uint32_t, std::string>> sequence = {
      {0, head}, {3, after}, {1, no_content}, {3, after}, {2, not_modified}, {3, after}};
  for (size_t i = 0; i < sequence.size(); ++i) {
    REQUIRE(worker.Submit(i, sequence[i].first) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1));
    const Completion& c = worker.completions().back();
    INFO("step " << i << ": " << c.detail);
    CHECK(c.result.error == SP_E_NONE);
    CHECK(c.result.bytes_received == sequence[i].second.size());
  }
  CHECK(worker.completions()[2].result.status == 204);
  CHECK(worker.completions()[4].result.status == 304);
  CHECK(server.connections() == 1);
  CHECK(server.requests() == 6);
}

TEST_CASE("taxonomy: 4xx and 5xx are complete responses: their connection is reused",
          "[taxonomy]") {
  ScriptServer server([](Conn& c) {
    std::string request;
    while (c.ReadRequest(&request)) {
      const int status = RequestPath(request) == "/missing" ? 404 : 500;
      if (!c.Send(FixedResponse(status, "nope"))) return;
    }
  });
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {Step("GET", "/missing"), Step("GET", "/broken")}) ==
          SP_OK);
  Worker worker(target);
  for (uint32_t i = 0; i < 4; ++i) {
    REQUIRE(worker.Submit(i, i % 2) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1));
  }
  CHECK(worker.Count(SP_E_HTTP_4XX) == 2);
  CHECK(worker.Count(SP_E_HTTP_5XX) == 2);
  CHECK(worker.completions()[0].result.status == 404);
  CHECK(worker.completions()[1].result.status == 500);
  CHECK(server.connections() == 1);
}

TEST_CASE("taxonomy: multi-MiB bodies arrive whole with exact bytes_received", "[taxonomy]") {
  const std::string big = BigBody();
  // Chunks of uneven sizes, so chunk lines straddle every read boundary.
  std::string uneven = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  char line[32];
  for (size_t off = 0, n = 1; off < big.size(); off += n, n = n * 7 % 9973 + 1) {
    n = std::min(n, big.size() - off);
    std::snprintf(line, sizeof line, "%zx\r\n", n);
    uneven.append(line).append(big, off, n).append("\r\n");
  }
  uneven += "0\r\nX-Trailer: done\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"/length", FixedResponse(200, big)},
      {"/chunked", ChunkedResponse(big, 64 * 1024)},
      {"/uneven", uneven},
  };
  ScriptServer server([&routes](Conn& c) {
    std::string request;
    while (c.ReadRequest(&request)) {
      for (const auto& [path, response] : routes) {
        if (RequestPath(request) == path && !c.Send(response)) return;
      }
    }
  });
  std::vector<RequestSettings> steps;
  for (const auto& route : routes) steps.push_back(Step("GET", route.first));
  Target target;
  REQUIRE(target.Create(SettingsFor(server), steps) == SP_OK);
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

TEST_CASE("taxonomy: a multi-MiB body delimited by the server closing", "[taxonomy]") {
  const std::string until_close = "HTTP/1.1 200 OK\r\n\r\n" + BigBody();
  ScriptServer server([&until_close](Conn& c) {
    std::string request;
    if (c.ReadRequest(&request)) c.Send(until_close);
  });
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(worker.Submit(i) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1, 20'000 * kMs));
    CHECK(worker.completions()[i].result.error == SP_E_NONE);
    CHECK(worker.completions()[i].result.bytes_received == until_close.size());
  }
  CHECK(server.connections() == 2);
}

TEST_CASE("taxonomy: a server that closes right after each keep-alive response", "[taxonomy]") {
  // No "Connection: close": the client learns of the close only from the socket, sometimes
  // after it has already written the next request (then that request is retried once).
  ScriptServer server([](Conn& c) {
    std::string request;
    if (c.ReadRequest(&request)) c.Send(FixedResponse(200, "bye"));
  });
  Target target;
  REQUIRE(target.Create(SettingsFor(server), {RequestSettings{}}) == SP_OK);
  Worker worker(target);
  constexpr int kN = 20;
  for (int i = 0; i < kN; ++i) {
    REQUIRE(worker.Submit(i) == SP_OK);
    REQUIRE(worker.PollUntil(i + 1));
  }
  CHECK(worker.Count(SP_E_NONE) == kN);
  CHECK(server.connections() == kN);
  for (const Completion& c : worker.completions()) CHECK(c.result.connect_ns > 0);
}
