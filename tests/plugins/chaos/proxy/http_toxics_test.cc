// The HTTP toxics through a proxy with `protocol: http` in front of a keep-alive HTTP server:
// decided per request, also on connections opened before the fault, with the framing of
// both connections kept intact.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "fake_host.h"
#include "http_server.h"
#include "proxy_fixture.h"
#include "test_client.h"

using namespace sp::proxy::test;

namespace {

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

FaultOptions AbortOptions(double probability) {
  return {{{"toxic", "http_abort"}, {"headers", R"({"Retry-After": "7"})"}, {"body", "slow down"}},
          {{"probability", probability}, {"status", 429}}};
}

}  // namespace

TEST_CASE("http_abort answers for the upstream, which never sees the request", "[http]") {
  HttpServer server;
  ProxySite proxy(server.port(), "http");
  const int fd = ConnectTo(proxy.Port());
  Reader reader(fd, 3000);
  HttpResponse r;
  REQUIRE(HttpExchange(fd, reader, get("/first"), &r));
  CHECK(r.body == "ok:/first");

  Fault none(proxy, AbortOptions(0.0));
  REQUIRE(none.Inject() == SP_OK);
  REQUIRE(HttpExchange(fd, reader, get("/kept"), &r));
  CHECK(r.status == 200);
  REQUIRE(none.Revert() == SP_OK);
  CHECK(server.requests() == 2);

  Fault fault(proxy, AbortOptions(1.0));
  REQUIRE(fault.Inject() == SP_OK);
  REQUIRE(HttpExchange(fd, reader, get("/aborted"), &r));
  CHECK(r.status == 429);
  CHECK(r.head.find("\r\nRetry-After: 7\r\n") != std::string::npos);
  CHECK(r.head.find("\r\nContent-Length: 9\r\n") != std::string::npos);
  CHECK(r.body == "slow down");
  REQUIRE(HttpExchange(fd, reader, "HEAD /aborted HTTP/1.1\r\nHost: t\r\n\r\n", &r, true));
  CHECK(r.status == 429);
  CHECK(server.requests() == 2);
  REQUIRE(fault.Revert() == SP_OK);
  CHECK_FALSE(fault.Active());

  REQUIRE(HttpExchange(fd, reader, get("/after"), &r));
  CHECK(r.body == "ok:/after");
  CHECK(server.requests() == 3);
  close(fd);
}

TEST_CASE("http_delay delays the request", "[http]") {
  HttpServer server;
  ProxySite proxy(server.port(), "http");
  const int fd = ConnectTo(proxy.Port());
  Reader reader(fd, 3000);
  HttpResponse r;
  for (double p : {0.0, 1.0}) {
    INFO("probability " << p);
    Fault fault(proxy, {{{"toxic", "http_delay"}}, {{"probability", p}, {"delay", 300.0 * kMs}}});
    REQUIRE(fault.Inject() == SP_OK);
    const uint64_t start = NowNs();
    REQUIRE(HttpExchange(fd, reader, get("/slow"), &r));
    const double ms = static_cast<double>(NowNs() - start) / 1e6;
    CHECK(r.body == "ok:/slow");
    if (p == 1.0) CHECK(ms >= 290);
    if (p == 0.0) CHECK(ms < 150);
    REQUIRE(fault.Revert() == SP_OK);
  }
  close(fd);
}

TEST_CASE("revert forwards requests held by http_delay", "[http]") {
  HttpServer server;
  ProxySite proxy(server.port(), "http");
  const int fd = ConnectTo(proxy.Port());
  Reader reader(fd, 3000);
  Fault fault(proxy, {{{"toxic", "http_delay"}}, {{"delay", 10'000.0 * kMs}}});
  REQUIRE(fault.Inject() == SP_OK);
  REQUIRE(send_all(fd, get("/held")));
  usleep(100 * 1000);
  CHECK(server.requests() == 0);
  const uint64_t start = NowNs();
  REQUIRE(fault.Revert() == SP_OK);
  std::string head;
  REQUIRE(reader.ReadHead(&head));
  CHECK(head.substr(0, 12) == "HTTP/1.1 200");
  CHECK(NowNs() - start < 1000 * kMs);
  close(fd);
}

TEST_CASE("http_abort is drawn for every request of a keep-alive connection", "[http]") {
  HttpServer server;
  ProxySite proxy(server.port(), "http");
  const int fd = ConnectTo(proxy.Port());
  Reader reader(fd, 3000);
  HttpResponse r;
  REQUIRE(HttpExchange(fd, reader, get("/open"), &r));  // the connection predates the fault

  Fault fault(proxy, {{{"toxic", "http_abort"}, {"body", "aborted"}}, {{"probability", 0.5}}});
  REQUIRE(fault.Inject() == SP_OK);
  int aborted = 0;
  int wrong = 0;
  // Requests of every framing kind, so that a desynchronised stream shows as wrong answers.
  for (int i = 0; i < 1000; ++i) {
    const std::string path = "/r" + std::to_string(i);
    std::string request = get(path);
    std::string expected = "ok:" + path;
    bool head_request = false;
    switch (i % 5) {
      case 1:
        request = "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello";
        break;
      case 2:
        request = get("/chunked");
        expected = "ok:/chunked";
        break;
      case 3:
        request = get("/empty");
        expected = "";
        break;
      case 4:
        request = "HEAD " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
        expected = "";
        head_request = true;
        break;
    }
    REQUIRE(HttpExchange(fd, reader, request, &r, head_request));
    if (r.status == 503) {
      ++aborted;
      wrong += r.body != (head_request ? "" : "aborted");
    } else {
      wrong += r.body != expected;
    }
  }
  REQUIRE(fault.Revert() == SP_OK);
  CHECK(wrong == 0);
  CHECK(aborted >= 430);
  CHECK(aborted <= 570);
  CHECK(server.requests() == 1 + 1000 - aborted);
  close(fd);
}

TEST_CASE("pipelined requests are answered in order when some are aborted", "[http]") {
  HttpServer server;
  ProxySite proxy(server.port(), "http");
  const int fd = ConnectTo(proxy.Port());
  Reader reader(fd, 3000);
  Fault fault(proxy, {{{"toxic", "http_abort"}, {"body", "aborted"}}, {{"probability", 0.5}}});
  REQUIRE(fault.Inject() == SP_OK);
  std::string burst;
  for (int i = 0; i < 50; ++i) burst += get("/p" + std::to_string(i));
  REQUIRE(send_all(fd, burst));
  int answered = 0;
  for (int i = 0; i < 50; ++i) {
    std::string head, body;
    REQUIRE(reader.ReadHead(&head));
    REQUIRE(reader.ReadExact(content_length(head), &body));
    if (head.substr(9, 3) == "200") {
      CHECK(body == "ok:/p" + std::to_string(i));
      ++answered;
    } else {
      CHECK(body == "aborted");
    }
  }
  CHECK(server.requests() == answered);
  REQUIRE(fault.Revert() == SP_OK);
  close(fd);
}
