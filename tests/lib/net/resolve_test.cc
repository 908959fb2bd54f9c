// lib/net resolution: literals without the resolver, the "invalid" shortcut, and the lookup
// bounded by its deadline (through the resolver seam: a DNS server that does not answer cannot
// be reproduced on an offline machine, so a stand-in resolver plays it).
#include "lib/net/resolve.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

using namespace sp::net;
using Clock = std::chrono::steady_clock;

namespace {

// A resolver that must not be asked.
bool Unreachable(const std::string&, uint16_t, std::vector<Address>*, std::string*) {
  throw std::logic_error("the resolver was asked");
}

// A DNS server that never answers in time: the lookup takes 3 s.
bool Hanging(const std::string& host, uint16_t port, std::vector<Address>* out, std::string*) {
  std::this_thread::sleep_for(std::chrono::seconds(3));
  out->assign(1, Address());
  ParseNumericHost("127.0.0.1", port, &out->front());
  (void)host;
  return true;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("Resolve: a literal needs no resolver, localhost is loopback", "[net]") {
  std::vector<Address> out;
  std::string err;
  REQUIRE(Resolve("::1", 9, &out, &err));
  REQUIRE(out.size() == 1);
  CHECK(out[0].ToString() == "[::1]:9");
  REQUIRE(Resolve("localhost", 8080, &out, &err));
  REQUIRE_FALSE(out.empty());
  for (const Address& a : out) {
    CHECK(a.is_loopback());
    CHECK(a.port() == 8080);
  }
}

TEST_CASE("Resolve: a name under .invalid fails at once with the resolver's sentence", "[net]") {
  std::vector<Address> out;
  std::string err;
  for (const char* name : {"no-such-host.invalid", "x.INVALID.", "invalid"}) {
    const auto start = Clock::now();
    CHECK_FALSE(Resolve(name, 80, &out, &err));
    CHECK(err == "Name or service not known");
    CHECK(SecondsSince(start) < 0.1);
  }
}

TEST_CASE("ResolveWithin: literals are answered without a lookup", "[net]") {
  std::vector<Address> out;
  std::string err;
  CHECK(ResolveWithin("127.0.0.1", 80, std::chrono::milliseconds(1), &out, &err, Unreachable) ==
        ResolveStatus::kResolved);
  REQUIRE(out.size() == 1);
  CHECK(out[0].ToString() == "127.0.0.1:80");
}

TEST_CASE("ResolveWithin: returns at the deadline when the resolver does not answer", "[net]") {
  std::vector<Address> out;
  std::string err;
  const auto start = Clock::now();
  CHECK(ResolveWithin("slow.example", 80, std::chrono::milliseconds(200), &out, &err, Hanging) ==
        ResolveStatus::kTimedOut);
  const double took = SecondsSince(start);
  CHECK(took >= 0.19);
  CHECK(took < 1.0);
  CHECK(err == "no answer from the DNS resolver within the timeout");
  CHECK(out.empty());
}

TEST_CASE("ResolveWithin: the resolver's answer or its failure within the deadline", "[net]") {
  std::vector<Address> out;
  std::string err;
  CHECK(ResolveWithin("localhost", 80, std::chrono::seconds(5), &out, &err) ==
        ResolveStatus::kResolved);
  CHECK_FALSE(out.empty());
  CHECK(ResolveWithin("gone.invalid", 80, std::chrono::seconds(5), &out, &err) ==
        ResolveStatus::kFailed);
  CHECK(err == "Name or service not known");
  auto failing = [](const std::string&, uint16_t, std::vector<Address>*, std::string* e) {
    *e = "Temporary failure in name resolution";
    return false;
  };
  CHECK(ResolveWithin("x.example", 80, std::chrono::seconds(5), &out, &err, failing) ==
        ResolveStatus::kFailed);
  CHECK(err == "Temporary failure in name resolution");
  CHECK(ResolveWithin("x.example", 80, std::chrono::seconds(5), &out, &err, Unreachable) ==
        ResolveStatus::kFailed);
  CHECK(err == "the resolver was asked");  // an exception in the resolver is its failure
}
