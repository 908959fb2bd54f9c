// The remote writer against a receiver on loopback that answers what the test scripts:
// retries after 5xx and 429, no retry after 400, the bounded queue, the flush's deadline.
#include "plugins/reporters/prometheus/remote_writer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <thread>
#include <vector>

using namespace sp::prometheus_reporter;
using namespace std::chrono_literals;

namespace {

// The fields the tests vary, by name: the struct's later members keep their defaults.
RemoteWriteConfig Config(std::string url, size_t queue_limit, int max_attempts,
                         std::chrono::milliseconds timeout) {
  RemoteWriteConfig c;
  c.url = std::move(url);
  c.queue_limit = queue_limit;
  c.max_attempts = max_attempts;
  c.timeout = timeout;
  return c;
}

// Answers each POST with the next scripted status (204 once the script is used up) and keeps
// what it received.
struct Receiver {
  std::mutex mu;
  std::deque<int> script;
  std::vector<std::string> bodies;  // every attempt, in order
  std::vector<std::string> headers;
  std::chrono::milliseconds delay{0};

  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(Receiver* r) : r_(r) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req,
                       Poco::Net::HTTPServerResponse& resp) override {
      std::ostringstream body;
      Poco::StreamCopier::copyStream(req.stream(), body);
      int status = 204;
      std::chrono::milliseconds delay;
      {
        std::lock_guard<std::mutex> lock(r_->mu);
        r_->bodies.push_back(body.str());
        r_->headers.push_back(req.getContentType() + "|" + req.get("Content-Encoding", "") + "|" +
                              req.get("X-Prometheus-Remote-Write-Version", "") + "|" +
                              req.get("Authorization", "") + "|" + req.get("X-Scope-OrgID", ""));
        if (!r_->script.empty()) {
          status = r_->script.front();
          r_->script.pop_front();
        }
        delay = r_->delay;
      }
      std::this_thread::sleep_for(delay);
      resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
      resp.setContentLength(0);
      resp.send();
    }

   private:
    Receiver* r_;
  };
  struct Factory : Poco::Net::HTTPRequestHandlerFactory {
    explicit Factory(Receiver* receiver) : r(receiver) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(r);
    }
    Receiver* r;
  };

  Poco::Net::ServerSocket socket{Poco::Net::SocketAddress("127.0.0.1:0")};
  Poco::Net::HTTPServer server{new Factory(this), socket, new Poco::Net::HTTPServerParams};

  Receiver() { server.start(); }
  ~Receiver() { server.stopAll(true); }
  std::string url() const { return "http://" + socket.address().toString() + "/api/v1/write"; }
  size_t attempts() {
    std::lock_guard<std::mutex> lock(mu);
    return bodies.size();
  }
};

}  // namespace

TEST_CASE("remote write: the headers; 5xx and 429 are retried until taken", "[prometheus]") {
  Receiver rx;
  rx.script = {503, 429, 500};
  RemoteWriter w(Config(rx.url(), 10, 8, 2000ms));
  w.Enqueue("body-1");
  w.Enqueue("body-2");
  REQUIRE(w.Flush(10s));
  REQUIRE(w.sent() == 2);
  REQUIRE(w.dropped() == 0);
  REQUIRE(rx.bodies == std::vector<std::string>{"body-1", "body-1", "body-1", "body-1", "body-2"});
  REQUIRE(rx.headers[0] == "application/x-protobuf|snappy|0.1.0||");
}

TEST_CASE("remote write: a 4xx is not retried, and is counted as dropped and refused",
          "[prometheus]") {
  Receiver rx;
  rx.script = {401};
  RemoteWriter w(Config(rx.url(), 10, 8, 2000ms));
  REQUIRE(w.last_error().empty());
  w.Enqueue("refused");
  w.Enqueue("taken");
  REQUIRE(w.Flush(10s));
  REQUIRE(rx.bodies == std::vector<std::string>{"refused", "taken"});
  REQUIRE(w.sent() == 1);
  REQUIRE(w.dropped() == 1);
  REQUIRE(w.refused() == 1);
  REQUIRE(w.last_error() == "401 Unauthorized");
  REQUIRE(w.last_refusal() == "401 Unauthorized");
  REQUIRE(w.last_delivered());  // the later body was taken: the receiver has the last values
}

TEST_CASE("remote write: the last body refused is not delivered", "[prometheus]") {
  Receiver rx;
  rx.script = {204, 403};
  RemoteWriter w(Config(rx.url(), 10, 8, 2000ms));
  REQUIRE_FALSE(w.last_delivered());
  w.Enqueue("taken");
  w.Enqueue("refused");
  REQUIRE(w.Flush(10s));
  REQUIRE_FALSE(w.last_delivered());
  REQUIRE(w.last_refusal() == "403 Forbidden");
}

TEST_CASE("remote write: the configured headers go with every push", "[prometheus]") {
  Receiver rx;
  RemoteWriteConfig config = Config(rx.url(), 10, 8, 2000ms);
  config.headers = {{"Authorization", RemoteWriter::BasicAuthorization("Aladdin", "open sesame")},
                    {"X-Scope-OrgID", "team-a"}};
  RemoteWriter w(config);
  w.Enqueue("one");
  w.Enqueue("two");
  REQUIRE(w.Flush(10s));
  // RFC 7617's example.
  const std::string expected =
      "application/x-protobuf|snappy|0.1.0|Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==|team-a";
  REQUIRE(rx.headers == std::vector<std::string>{expected, expected});
}

TEST_CASE("remote write: a full queue drops the oldest, never blocks the caller", "[prometheus]") {
  Receiver rx;
  rx.delay = 300ms;  // the first body keeps the thread busy while the queue fills
  RemoteWriter w(Config(rx.url(), 2, 8, 2000ms));
  w.Enqueue("first");
  while (rx.attempts() == 0) std::this_thread::sleep_for(5ms);
  const auto start = std::chrono::steady_clock::now();
  for (const char* b : {"a", "b", "c", "d"}) w.Enqueue(b);
  REQUIRE(std::chrono::steady_clock::now() - start < 100ms);
  REQUIRE(w.Flush(10s));
  REQUIRE(rx.bodies == std::vector<std::string>{"first", "c", "d"});
  REQUIRE(w.dropped() == 2);
  REQUIRE(w.sent() == 3);
}

TEST_CASE("remote write: nobody listening - the flush gives up at its deadline", "[prometheus]") {
  std::string url;
  {
    Receiver gone;
    url = gone.url();
  }
  RemoteWriter w(Config(url, 10, 100, 500ms));
  w.Enqueue("x");
  w.Enqueue("y");
  const auto start = std::chrono::steady_clock::now();
  REQUIRE_FALSE(w.Flush(700ms));
  REQUIRE(std::chrono::steady_clock::now() - start < 1500ms);
  REQUIRE(w.dropped() == 2);
  REQUIRE(w.refused() == 0);
  REQUIRE(w.last_refusal().empty());
  REQUIRE_FALSE(w.last_delivered());
  REQUIRE(w.last_error().find("Connection refused") != std::string::npos);
}

TEST_CASE("remote write URLs other than http:// and https:// are refused", "[prometheus]") {
  REQUIRE(RemoteWriter::CheckUrl("http://127.0.0.1:9090/api/v1/write").empty());
  REQUIRE(RemoteWriter::CheckUrl("https://x/api/v1/write").empty());
  REQUIRE(RemoteWriter::CheckUrl("127.0.0.1:9090")
              .find("remote_write must be an http:// or https:// URL") == 0);
  REQUIRE(RemoteWriter::CheckUrl("http://u:pw@127.0.0.1:9090/w").find("must not hold credentials") !=
          std::string::npos);
  REQUIRE_THROWS_AS(RemoteWriter(Config("ftp://x", 1, 1, 1s)), std::invalid_argument);
}

TEST_CASE("remote write over https: a missing or empty ca_file is refused before any push",
          "[prometheus]") {
  REQUIRE(RemoteWriter::CheckTls("https://127.0.0.1:1/w", "").empty());  // the system's store
  REQUIRE(RemoteWriter::CheckTls("http://127.0.0.1:1/w", "/nonexistent.pem").empty());  // unused
  REQUIRE(RemoteWriter::CheckTls("https://127.0.0.1:1/w", "/nonexistent.pem") ==
          "remote_write_ca_file /nonexistent.pem is not a file");
  REQUIRE(
      RemoteWriter::CheckTls("https://127.0.0.1:1/w", "/dev/null").find("remote_write_ca_file") ==
      0);
  REQUIRE(RemoteWriter::CheckTls("https://127.0.0.1:1/w", "certs/ca.pem")
              .find("remote_write_ca_file must be an absolute path") == 0);
  RemoteWriteConfig config = Config("https://127.0.0.1:1/w", 1, 1, 1s);
  config.ca_file = "/nonexistent.pem";
  REQUIRE_THROWS_AS(RemoteWriter(config), std::invalid_argument);
}
