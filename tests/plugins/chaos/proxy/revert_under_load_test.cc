// Injecting and reverting while 20 client threads hammer the proxies: every revert returns
// within a second, is_active drops to 0, and traffic flows again afterwards.
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "echo_server.h"
#include "fake_host.h"
#include "http_server.h"
#include "proxy_fixture.h"
#include "test_client.h"

using namespace sp::proxy::test;

namespace {

// A client that keeps one connection busy, reconnecting whenever an exchange fails or takes
// longer than 300 ms (a toxic is holding it), and counts the exchanges that worked.
void Hammer(uint16_t port, bool http, const std::atomic<bool>& stop, std::atomic<long>* done) {
  int fd = -1;
  std::string payload(512, 'h');
  while (!stop) {
    if (fd < 0) {
      fd = ConnectTo(port);
      if (fd < 0) {
        usleep(1000);
        continue;
      }
    }
    bool ok;
    if (http) {
      Reader reader(fd, 300);
      HttpResponse r;
      ok = HttpExchange(fd, reader, "GET /load HTTP/1.1\r\nHost: t\r\n\r\n", &r) &&
           r.body == "ok:/load";
    } else {
      ok = send_all(fd, payload) && ReadSome(fd, payload.size(), 300).data == payload;
    }
    if (ok) {
      ++*done;
    } else {
      close(fd);
      fd = -1;
    }
  }
  if (fd >= 0) close(fd);
}

}  // namespace

TEST_CASE("revert under load returns promptly and traffic flows again", "[load]") {
  EchoServer echo;
  HttpServer http_server;
  ProxySite tcp(echo.port());
  ProxySite http(http_server.port(), "http");
  std::atomic<bool> stop{false};
  std::atomic<long> tcp_done{0}, http_done{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 10; ++i) {
    clients.emplace_back(Hammer, tcp.Port(), false, std::cref(stop), &tcp_done);
    clients.emplace_back(Hammer, http.Port(), true, std::cref(stop), &http_done);
  }
  usleep(200 * 1000);
  CHECK(tcp_done > 0);
  CHECK(http_done > 0);

  uint64_t slowest_revert = 0;
  for (int round = 0; round < 20; ++round) {
    const bool latency = round % 2 == 0;
    FaultOptions options = latency ? FaultOptions{{{"toxic", "latency"}, {"direction", "both"}},
                                                  {{"latency", 2000.0 * kMs}}}
                                   : FaultOptions{{{"toxic", "timeout"}, {"direction", "both"}}, {}};
    Fault on_tcp(tcp, options);
    Fault on_http(http, options);
    REQUIRE(on_tcp.Inject() == SP_OK);
    REQUIRE(on_http.Inject() == SP_OK);
    usleep(40 * 1000);
    for (Fault* f : {&on_tcp, &on_http}) {
      const uint64_t start = NowNs();
      REQUIRE(f->Revert() == SP_OK);
      const uint64_t took = NowNs() - start;
      slowest_revert = std::max(slowest_revert, took);
      CHECK(took < 1000 * kMs);
      CHECK_FALSE(f->Active());
    }
  }
  WARN("slowest revert under load: " << slowest_revert / 1000 << " us");

  const long tcp_before = tcp_done, http_before = http_done;
  usleep(600 * 1000);  // clients stuck in a held exchange give up after 300 ms and reconnect
  CHECK(tcp_done > tcp_before + 20);
  CHECK(http_done > http_before + 20);
  stop = true;
  for (auto& t : clients) t.join();
}
