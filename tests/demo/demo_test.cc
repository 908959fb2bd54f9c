// stressplan-demo as a black box: started through ServiceSet, driven over loopback HTTP.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <nlohmann/json.hpp>

#include "core/services/service_set.h"
#include "tests/core/services/test_helpers.h"

namespace sp::services {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::Http;
using test::TempDir;
using Clock = std::chrono::steady_clock;

// A demo on a free port, started and waited for by a ServiceSet.
class RunningDemo {
 public:
  explicit RunningDemo(std::vector<std::string> flags = {}) : set_(dir_.File("logs")) {
    port_ = test::FreePort();
    std::vector<std::string> command = {test::DemoBinary(), "--port", std::to_string(port_)};
    command.insert(command.end(), flags.begin(), flags.end());
    sp::plan::Service s = test::MakeService("demo", command);
    s.health_url = "http://127.0.0.1:" + std::to_string(port_) + "/health";
    std::string err;
    if (!set_.Start({s}, &err)) FAIL(err);
  }
  int port() const { return port_; }
  ServiceSet& set() { return set_; }
  const TempDir& dir() const { return dir_; }
  json Stats() { return json::parse(Http(port_, "GET", "/stats").body); }

 private:
  TempDir dir_;
  ServiceSet set_;
  int port_ = 0;
};

std::string Update(int id, const std::string& text) {
  return json{{"update_id", id}, {"message", {{"chat", {{"id", 5}}}, {"text", text}}}}.dump();
}

// A keep-alive client: many requests on one connection.
class Client {
 public:
  explicit Client(int port) : session_("127.0.0.1", static_cast<Poco::UInt16>(port)) {
    session_.setKeepAlive(true);
    session_.setTimeout(Poco::Timespan(10, 0));
  }
  int Request(const std::string& method, const std::string& path, const std::string& body = "") {
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    if (method == "POST") request.setContentLength(static_cast<std::streamsize>(body.size()));
    session_.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session_.receiveResponse(response);
    std::string ignored;
    Poco::StreamCopier::copyToString(in, ignored);
    return static_cast<int>(response.getStatus());
  }
  bool connected() const { return session_.connected(); }

 private:
  Poco::Net::HTTPClientSession session_;
};

std::uint64_t Get(const json& doc, const std::string& group, const std::string& key) {
  return doc.at(group).contains(key) ? doc.at(group).at(key).get<std::uint64_t>() : 0;
}

TEST_CASE("demo endpoints", "[demo]") {
  RunningDemo demo;
  int port = demo.port();

  auto r = Http(port, "POST", "/webhook", Update(1, "hi"));
  CHECK(r.status == 200);
  json body = json::parse(r.body);
  CHECK(body == json{{"ok", true}, {"update_id", 1}, {"chat_id", 5}, {"reply", "You said: hi"}});

  body = json::parse(Http(port, "POST", "/webhook", Update(2, "/start")).body);
  CHECK_THAT(body.at("reply").get<std::string>(), Catch::StartsWith("Hello!"));
  body = json::parse(Http(port, "POST", "/webhook?token=x", R"({"update_id":3})").body);
  CHECK(body.at("chat_id").is_null());
  CHECK(body.at("update_id") == 3);

  r = Http(port, "GET", "/health");
  CHECK(r.status == 200);
  CHECK(json::parse(r.body) == json{{"status", "ok"}});

  r = Http(port, "GET", "/nope");
  CHECK(r.status == 404);
  CHECK(json::parse(r.body).at("ok") == false);

  r = Http(port, "GET", "/webhook");
  CHECK(r.status == 405);
  CHECK(r.allow == "POST");
  r = Http(port, "POST", "/health", "{}");
  CHECK(r.status == 405);
  CHECK(r.allow == "GET");
  CHECK(Http(port, "DELETE", "/stats").status == 405);

  for (const char* bad : {"{not json", "[1,2]", R"({"update_id":"1"})", ""}) {
    r = Http(port, "POST", "/webhook", bad);
    INFO(bad);
    CHECK(r.status == 400);
    body = json::parse(r.body);
    CHECK(body.at("ok") == false);
    CHECK(body.at("error").is_string());
  }

  // A body over 1 MiB is refused from its Content-Length, without reading it.
  Poco::Net::StreamSocket raw(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  raw.setReceiveTimeout(Poco::Timespan(10, 0));
  const std::string head =
      "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n";
  raw.sendBytes(head.data(), static_cast<int>(head.size()));
  char buf[512];
  int n = raw.receiveBytes(buf, sizeof buf);
  CHECK_THAT(std::string(buf, n > 0 ? n : 0), Catch::StartsWith("HTTP/1.1 413"));
}

TEST_CASE("/stats counts exactly what was served, across threads and keep-alive", "[demo]") {
  RunningDemo demo;
  int port = demo.port();
  json before = demo.Stats();  // includes the health probe(s) of ServiceSet

  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client client(port);
      for (int i = 0; i < kPerThread; ++i) {
        if (client.Request("POST", "/webhook", Update(t * 1000 + i, "hi")) == 200) ++ok;
      }
      client.Request("GET", "/health");
      client.Request("GET", "/missing");
      client.Request("POST", "/webhook", "{bad");
      client.Request("PUT", "/webhook", "");
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == kThreads * kPerThread);

  json after = demo.Stats();
  json again = demo.Stats();
  CHECK(after == again);  // /stats does not count itself
  auto delta = [&](const std::string& group, const std::string& key) {
    return Get(after, group, key) - Get(before, group, key);
  };
  CHECK(after.at("requests").get<std::uint64_t>() - before.at("requests").get<std::uint64_t>() ==
        kThreads * (kPerThread + 4));
  CHECK(delta("by_path", "/webhook") == kThreads * (kPerThread + 2));
  CHECK(delta("by_path", "/health") == kThreads);
  CHECK(delta("by_path", "other") == kThreads);
  CHECK(delta("by_status", "200") == kThreads * (kPerThread + 1));
  CHECK(delta("by_status", "404") == kThreads);
  CHECK(delta("by_status", "400") == kThreads);
  CHECK(delta("by_status", "405") == kThreads);

  // On SIGTERM (ServiceSet::StopAll) the final counts go to --stats-file or stdout.
  demo.set().StopAll();
  auto st = demo.set().Status("demo");
  REQUIRE(st.has_value());
  CHECK(WIFEXITED(st->wait_status));
  CHECK(WEXITSTATUS(st->wait_status) == 0);
  std::string log = test::ReadFile(st->log_path);
  CHECK_THAT(log, Catch::Contains("SIGTERM, stopping"));
  CHECK_THAT(log, Catch::Contains(after.dump()));
}

TEST_CASE("demo serves a few hundred keep-alive connections at once", "[demo]") {
  RunningDemo demo({"--threads", "400"});
  constexpr int kConnections = 300;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kConnections; ++i) {
    clients.push_back(std::make_unique<Client>(demo.port()));
    REQUIRE(clients.back()->Request("GET", "/health") == 200);
  }
  // All connections are still open; a second round reuses every one of them.
  for (auto& c : clients) {
    REQUIRE(c->connected());
    REQUIRE(c->Request("POST", "/webhook", Update(1, "again")) == 200);
  }
  json stats = demo.Stats();
  CHECK(Get(stats, "by_path", "/webhook") == kConnections);
  CHECK(Get(stats, "by_path", "/health") >= kConnections);
}

TEST_CASE("--latency delays /webhook only", "[demo]") {
  RunningDemo demo({"--latency", "300"});
  Client client(demo.port());
  auto start = Clock::now();
  CHECK(client.Request("GET", "/health") == 200);
  CHECK(Clock::now() - start < 300ms);
  start = Clock::now();
  CHECK(client.Request("POST", "/webhook", Update(1, "slow")) == 200);
  CHECK(Clock::now() - start >= 300ms);
}

TEST_CASE("SIGINT stops the demo with exit 0; --stats-file gets the final counts", "[demo]") {
  TempDir files;
  const std::string stats_file = files.File("stats.json");
  RunningDemo demo({"--stats-file", stats_file});
  json before = demo.Stats();
  Client client(demo.port());
  for (int i = 0; i < 5; ++i) CHECK(client.Request("POST", "/webhook", Update(i, "x")) == 200);

  pid_t pid = demo.set().Pid("demo");
  REQUIRE(kill(pid, SIGINT) == 0);
  REQUIRE(test::WaitUntil([&] { return !demo.set().IsAlive("demo"); }, 10s));
  auto st = demo.set().Status("demo");
  CHECK(WIFEXITED(st->wait_status));
  CHECK(WEXITSTATUS(st->wait_status) == 0);
  json final_stats = json::parse(test::ReadFile(stats_file));
  CHECK(Get(final_stats, "by_path", "/webhook") == 5);
  CHECK(final_stats.at("requests").get<std::uint64_t>() ==
        before.at("requests").get<std::uint64_t>() + 5);
  CHECK_THAT(test::ReadFile(st->log_path), Catch::Contains("SIGINT, stopping"));
}

// Poco 1.11's HTTPServer shuts down only the connections that exist when it is stopped: one
// taken from the accept queue a moment later used to wait up to 60 s for its first request,
// so SIGTERM in a burst of connects could take longer than a run's stop_timeout (issue 9).
TEST_CASE("SIGTERM during a burst of connects stops the demo at once", "[demo]") {
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    RunningDemo demo({"--threads", "64"});
    std::atomic<bool> done{false};
    std::vector<std::thread> connectors;
    for (int t = 0; t < 4; ++t) {
      connectors.emplace_back([&] {
        // Idle connections: connected, never a request, kept until the server hangs up.
        std::vector<Poco::Net::StreamSocket> open;
        while (!done.load() && open.size() < 2000) {
          try {
            Poco::Net::StreamSocket s;
            s.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(demo.port())),
                      Poco::Timespan(1, 0));
            open.push_back(s);
          } catch (const Poco::Exception&) {
            std::this_thread::sleep_for(1ms);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 7 * round));
    pid_t pid = demo.set().Pid("demo");
    const auto start = Clock::now();
    REQUIRE(kill(pid, SIGTERM) == 0);
    const bool stopped = test::WaitUntil([&] { return !demo.set().IsAlive("demo"); }, 15s);
    const auto took = Clock::now() - start;
    done = true;
    for (auto& c : connectors) c.join();
    INFO("round " << round << " took "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    REQUIRE(stopped);
    CHECK(took < 3s);
  }
}

TEST_CASE("demo start failures surface through ServiceSet with the demo's message", "[demo]") {
  TempDir dir;
  ServiceSet set(dir.File("logs"));
  std::string err;
  SECTION("bad flag") {
    sp::plan::Service s = test::MakeService("demo", {test::DemoBinary(), "--port", "http"});
    s.health_url = "http://127.0.0.1:1/health";
    REQUIRE_FALSE(set.Start({s}, &err));
    CHECK_THAT(err, Catch::Contains("exited with status 2"));
    CHECK_THAT(err, Catch::Contains("--port wants an integer from 0 to 65535, got 'http'"));
  }
  SECTION("port in use") {
    RunningDemo first;
    std::string port = std::to_string(first.port());
    sp::plan::Service s = test::MakeService("demo2", {test::DemoBinary(), "--port", port});
    s.health_url = "http://127.0.0.1:" + port + "/nothing-here";
    REQUIRE_FALSE(set.Start({s}, &err));
    CHECK_THAT(err, Catch::Contains("exited with status 1"));
    CHECK_THAT(err, Catch::Contains("cannot listen on 127.0.0.1:" + port));
  }
}

}  // namespace
}  // namespace sp::services
