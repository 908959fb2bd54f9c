// Each TCP toxic through a proxy in front of an echo server: no effect at probability 0, its
// effect at probability 1, and gone after revert.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

#include "echo_server.h"
#include "fake_host.h"
#include "proxy_fixture.h"
#include "test_client.h"

using namespace sp::proxy::test;

namespace {

double MsSince(uint64_t start) { return static_cast<double>(NowNs() - start) / 1e6; }

// Sends msg and reads it back; returns the milliseconds it took (-1 if it did not come back).
double EchoMs(int fd, const std::string& msg) {
  const uint64_t start = NowNs();
  if (!send_all(fd, msg)) return -1;
  const ReadResult r = ReadSome(fd, msg.size(), 3000);
  return r.data == msg ? MsSince(start) : -1;
}

FaultOptions With(const std::string& toxic, double probability,
                  std::map<std::string, double> numbers = {},
                  std::map<std::string, std::string> text = {}) {
  text["toxic"] = toxic;
  numbers["probability"] = probability;
  return {text, numbers};
}

}  // namespace

TEST_CASE("latency delays the echo of connections open before and after inject", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  for (double p : {0.0, 1.0}) {
    INFO("probability " << p);
    const int before = ConnectTo(proxy.Port());
    REQUIRE(before >= 0);
    REQUIRE(EchoMs(before, "warm") >= 0);
    Fault fault(proxy, With("latency", p, {{"latency", 200.0 * kMs}}));
    REQUIRE(fault.created() == SP_OK);
    REQUIRE(fault.Inject() == SP_OK);
    CHECK(fault.Active());
    const int after = ConnectTo(proxy.Port());
    for (int fd : {before, after}) {
      const double rtt = EchoMs(fd, "ping");
      REQUIRE(rtt >= 0);
      if (p == 1.0) CHECK(rtt >= 200);
      if (p == 0.0) CHECK(rtt < 150);
    }
    REQUIRE(fault.Revert() == SP_OK);
    CHECK_FALSE(fault.Active());
    const double rtt = EchoMs(after, "pong");
    CHECK(rtt >= 0);
    CHECK(rtt < 150);
    close(before);
    close(after);
  }
}

TEST_CASE("revert releases data held by latency at once, in order", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  Fault fault(proxy, With("latency", 1.0, {{"latency", 5000.0 * kMs}}, {{"direction", "both"}}));
  REQUIRE(fault.Inject() == SP_OK);
  const int fd = ConnectTo(proxy.Port());
  REQUIRE(send_all(fd, "first,"));
  REQUIRE(send_all(fd, "second"));
  usleep(100 * 1000);
  const uint64_t start = NowNs();
  REQUIRE(fault.Revert() == SP_OK);
  const ReadResult r = ReadSome(fd, 12, 3000);
  CHECK(r.data == "first,second");
  CHECK(MsSince(start) < 1000);
  close(fd);
}

TEST_CASE("bandwidth limits throughput to about the rate", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  const std::string payload(100'000, 'b');
  for (double p : {0.0, 1.0}) {
    INFO("probability " << p);
    Fault fault(proxy, With("bandwidth", p, {{"rate", 200'000}}));
    REQUIRE(fault.Inject() == SP_OK);
    const int fd = ConnectTo(proxy.Port());
    const double ms = EchoMs(fd, payload);
    REQUIRE(ms >= 0);
    if (p == 1.0) {
      CHECK(ms >= 400);  // 100 kB at 200 kB/s: 500 ms
      CHECK(ms < 1500);
    } else {
      CHECK(ms < 250);
    }
    REQUIRE(fault.Revert() == SP_OK);
    close(fd);
  }
}

TEST_CASE("slicer delivers data in several slices", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  const std::string payload(100, 's');
  for (double p : {0.0, 1.0}) {
    INFO("probability " << p);
    Fault fault(proxy, With("slicer", p, {{"slice_size", 10}, {"slice_delay", 5.0 * kMs}}));
    REQUIRE(fault.Inject() == SP_OK);
    const int fd = ConnectTo(proxy.Port());
    REQUIRE(send_all(fd, payload));
    const ReadResult r = ReadSome(fd, payload.size(), 3000);
    CHECK(r.data == payload);
    if (p == 1.0) CHECK(r.reads >= 5);
    if (p == 0.0) CHECK(r.reads <= 2);
    REQUIRE(fault.Revert() == SP_OK);
    close(fd);
  }
}

TEST_CASE("slow_close delays the EOF", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  for (double p : {0.0, 1.0}) {
    INFO("probability " << p);
    Fault fault(proxy, With("slow_close", p, {{"delay", 300.0 * kMs}}));
    REQUIRE(fault.Inject() == SP_OK);
    const int fd = ConnectTo(proxy.Port());
    REQUIRE(send_all(fd, "bye"));
    const uint64_t start = NowNs();
    shutdown(fd, SHUT_WR);  // the echo server closes after echoing
    const ReadResult r = ReadSome(fd, 0, 3000);
    CHECK(r.data == "bye");
    CHECK(r.eof);
    if (p == 1.0) CHECK(MsSince(start) >= 290);
    if (p == 0.0) CHECK(MsSince(start) < 200);
    REQUIRE(fault.Revert() == SP_OK);
    close(fd);
  }
}

TEST_CASE("timeout drops data and closes the connection after the delay", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  for (double p : {0.0, 1.0}) {
    INFO("probability " << p);
    Fault fault(proxy, With("timeout", p, {{"delay", 300.0 * kMs}}));
    REQUIRE(fault.Inject() == SP_OK);
    const uint64_t start = NowNs();
    const int fd = ConnectTo(proxy.Port());
    REQUIRE(send_all(fd, "lost?"));
    if (p == 1.0) {
      const ReadResult r = ReadSome(fd, 0, 3000);
      CHECK(r.data.empty());
      CHECK(r.eof);
      CHECK(MsSince(start) >= 290);
    } else {
      CHECK(ReadSome(fd, 5, 1000).data == "lost?");
    }
    REQUIRE(fault.Revert() == SP_OK);
    close(fd);
  }
}

TEST_CASE("timeout with delay 0 holds the connection until revert", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  Fault fault(proxy, With("timeout", 1.0));
  REQUIRE(fault.Inject() == SP_OK);
  const int fd = ConnectTo(proxy.Port());
  REQUIRE(send_all(fd, "dropped"));
  const ReadResult held = ReadSome(fd, 0, 300);
  CHECK(held.timed_out);
  CHECK(held.data.empty());
  REQUIRE(fault.Revert() == SP_OK);
  CHECK(EchoMs(fd, "back") >= 0);
  close(fd);
}

TEST_CASE("reset_peer resets the client's connection", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  for (double p : {0.0, 1.0}) {
    INFO("probability " << p);
    Fault fault(proxy, With("reset_peer", p, {{"delay", 100.0 * kMs}}));
    REQUIRE(fault.Inject() == SP_OK);
    const int fd = ConnectTo(proxy.Port());
    REQUIRE(fd >= 0);
    CHECK(EchoMs(fd, "before") >= 0);
    const ReadResult r = ReadSome(fd, 0, p == 1.0 ? 3000 : 400);
    if (p == 1.0) CHECK(r.error == ECONNRESET);
    if (p == 0.0) CHECK(r.timed_out);
    REQUIRE(fault.Revert() == SP_OK);
    close(fd);
  }
}

TEST_CASE("limit_data closes the connection after the byte count", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  const std::string payload(300, 'l');
  for (double p : {0.0, 1.0}) {
    INFO("probability " << p);
    Fault fault(proxy, With("limit_data", p, {{"bytes", 100}}));
    REQUIRE(fault.Inject() == SP_OK);
    const int fd = ConnectTo(proxy.Port());
    REQUIRE(send_all(fd, payload));
    if (p == 1.0) {
      const ReadResult r = ReadSome(fd, 0, 3000);
      CHECK(r.data.size() == 100);
      CHECK(r.eof);
    } else {
      CHECK(ReadSome(fd, payload.size(), 3000).data == payload);
    }
    REQUIRE(fault.Revert() == SP_OK);
    close(fd);
  }
}

TEST_CASE("refuse refuses new connections, keeps open ones, and listens again on revert", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  const uint16_t port = proxy.Port();
  const int open_before = ConnectTo(port);
  REQUIRE(open_before >= 0);
  {
    Fault none(proxy, With("refuse", 0.0));
    REQUIRE(none.Inject() == SP_OK);
    const int fd = ConnectTo(port);
    CHECK(fd >= 0);
    CHECK(EchoMs(fd, "hi") >= 0);
    close(fd);
    REQUIRE(none.Revert() == SP_OK);
  }
  Fault fault(proxy, With("refuse", 1.0));
  REQUIRE(fault.Inject() == SP_OK);
  errno = 0;
  CHECK(ConnectTo(port) == -1);
  CHECK(errno == ECONNREFUSED);
  CHECK(EchoMs(open_before, "still here") >= 0);
  REQUIRE(fault.Revert() == SP_OK);
  CHECK_FALSE(fault.Active());
  const int fd = ConnectTo(port);
  REQUIRE(fd >= 0);
  CHECK(EchoMs(fd, "again") >= 0);
  close(fd);
  close(open_before);
}

TEST_CASE("toxics on one site compose", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  Fault latency(proxy, With("latency", 1.0, {{"latency", 100.0 * kMs}}));
  Fault slow(proxy, With("latency", 1.0, {{"latency", 100.0 * kMs}}, {{"direction", "upstream"}}));
  REQUIRE(latency.Inject() == SP_OK);
  REQUIRE(slow.Inject() == SP_OK);
  const int fd = ConnectTo(proxy.Port());
  CHECK(EchoMs(fd, "both") >= 200);
  REQUIRE(slow.Revert() == SP_OK);
  const double one = EchoMs(fd, "one");
  CHECK(one >= 100);
  CHECK(one < 190);
  REQUIRE(latency.Revert() == SP_OK);
  close(fd);
}

TEST_CASE("a thousand concurrent connections pass through one site", "[tcp]") {
  EchoServer echo;
  ProxySite proxy(echo.port());
  std::vector<int> fds;
  for (int i = 0; i < 1000; ++i) {
    const int fd = ConnectTo(proxy.Port());
    REQUIRE(fd >= 0);
    fds.push_back(fd);
  }
  for (int fd : fds) REQUIRE(send_all(fd, "x"));
  int echoed = 0;
  for (int fd : fds) echoed += ReadSome(fd, 1, 3000).data == "x";
  CHECK(echoed == 1000);
  for (int fd : fds) close(fd);
}
