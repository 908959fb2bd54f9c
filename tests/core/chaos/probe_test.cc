#include "core/chaos/probe.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <thread>

using sp::chaos::CheckHttpProbe;
using sp::chaos::HttpProbeSpec;
using sp::chaos::ProbeResult;
using sp::chaos::RunHttpProbe;

namespace {

using Clock = std::chrono::steady_clock;

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    const std::string& uri = req.getURI();
    if (uri == "/health") {
      resp.setContentType("application/json");
      resp.send() << R"({"status":"ok","checks":[{"name":"db","up":true}],"count":3,"ratio":3.0,"it's":"yes"})";
    } else if (uri == "/degraded") {
      resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
      resp.setContentType("application/json");
      resp.send() << R"({"status":"degraded"})";
    } else if (uri == "/echo?x=1") {
      std::string body;
      Poco::StreamCopier::copyToString(req.stream(), body);
      resp.send() << req.getMethod() << " " << body << " h=" << req.get("X-Probe", "-");
    } else if (uri == "/chunked") {
      resp.setChunkedTransferEncoding(true);
      std::ostream& out = resp.send();
      out << "hello " << std::flush;
      out << "chunked " << std::flush;
      out << "world";
    } else if (uri == "/text") {
      resp.send() << "plain text, not JSON";
    } else if (uri == "/empty") {
      resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
      resp.send();
    } else {
      resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      resp.send() << "no such path";
    }
  }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler;
  }
};

// A Poco HTTP server on 127.0.0.1 with its own thread pool, joined on destruction.
class TestServer {
 public:
  TestServer()
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        pool_(1, 4),
        server_(new Factory, pool_, socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~TestServer() {
    server_.stop();
    pool_.joinAll();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + path;
  }

 private:
  Poco::Net::ServerSocket socket_;
  Poco::ThreadPool pool_;
  Poco::Net::HTTPServer server_;
};

// A server that misbehaves on purpose: it reads the request head, then runs `respond`.
class RawServer {
 public:
  using Respond = std::function<void(Poco::Net::StreamSocket&, const std::atomic<bool>& stop)>;
  explicit RawServer(Respond respond)
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        thread_([this, respond] { Serve(respond); }) {}
  ~RawServer() {
    stop_ = true;
    thread_.join();
  }
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/";
  }

 private:
  void Serve(const Respond& respond) {
    const Poco::Timespan tick(0, 50 * 1000);
    while (!stop_) {
      if (!socket_.poll(tick, Poco::Net::Socket::SELECT_READ)) continue;
      Poco::Net::StreamSocket s = socket_.acceptConnection();
      std::string head;
      char buf[1024];
      auto until = Clock::now() + std::chrono::seconds(2);
      while (head.find("\r\n\r\n") == std::string::npos && Clock::now() < until && !stop_) {
        if (!s.poll(tick, Poco::Net::Socket::SELECT_READ)) continue;
        int n = s.receiveBytes(buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      try {
        respond(s, stop_);
      } catch (const Poco::Exception&) {
        // the client went away: fine
      }
      s.close();
    }
  }

  Poco::Net::ServerSocket socket_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void Send(Poco::Net::StreamSocket& s, const std::string& text) {
  s.sendBytes(text.data(), static_cast<int>(text.size()));
}

HttpProbeSpec Spec(const std::string& url) {
  HttpProbeSpec spec;
  spec.url = url;
  spec.timeout_s = 2;
  return spec;
}

ProbeResult Run(const HttpProbeSpec& spec) {
  ProbeResult r = RunHttpProbe(spec);
  UNSCOPED_INFO("observed: " << r.observed << " | message: " << r.message);
  return r;
}

}  // namespace

TEST_CASE("probe: status match and mismatch") {
  TestServer server;
  ProbeResult r = Run(Spec(server.Url("/health")));
  CHECK(r.ok);
  CHECK(r.status == 200);
  CHECK(r.observed == "status 200");
  CHECK(r.message.empty());

  HttpProbeSpec spec = Spec(server.Url("/degraded"));
  r = Run(spec);
  CHECK_FALSE(r.ok);
  CHECK(r.observed == "status 503");
  CHECK(r.message == "GET " + spec.url + " answered 503 Service Unavailable; expected 2xx.");

  spec.statuses = {503};
  CHECK(Run(spec).ok);
  spec.statuses = {200, 204};
  r = Run(spec);
  CHECK_FALSE(r.ok);
  CHECK(r.message == "GET " + spec.url + " answered 503 Service Unavailable; expected one of 200, 204.");

  r = Run(Spec(server.Url("/missing")));
  CHECK_FALSE(r.ok);
  CHECK(r.observed == "status 404");

  CHECK(Run(Spec(server.Url("/empty"))).ok);  // 204, no body
}

TEST_CASE("probe: body_contains, method, headers, body, chunked answers") {
  TestServer server;
  HttpProbeSpec spec = Spec(server.Url("/health"));
  spec.body_contains = R"("status":"ok")";
  CHECK(Run(spec).ok);
  spec.body_contains = "healthy";
  ProbeResult r = Run(spec);
  CHECK_FALSE(r.ok);
  CHECK(r.observed.rfind("status 200, body: {\"status\":\"ok\"", 0) == 0);
  CHECK(r.message == "The body of GET " + spec.url + " does not contain \"healthy\".");

  HttpProbeSpec echo = Spec(server.Url("/echo?x=1"));
  echo.method = "POST";
  echo.body = "hello";
  echo.headers = {{"X-Probe", "yes"}, {"Content-Type", "text/plain"}};
  echo.body_contains = "POST hello h=yes";
  CHECK(Run(echo).ok);

  HttpProbeSpec chunked = Spec(server.Url("/chunked"));
  chunked.body_contains = "hello chunked world";
  CHECK(Run(chunked).ok);
}

TEST_CASE("probe: json_path equals, mismatch, missing") {
  TestServer server;
  HttpProbeSpec spec = Spec(server.Url("/health"));
  spec.json_path = "$.status";
  spec.json_equals = "\"ok\"";
  ProbeResult r = Run(spec);
  CHECK(r.ok);
  CHECK(r.observed == "$.status = \"ok\"");

  spec.json_path = "$.checks[0].up";
  spec.json_equals = "true";
  CHECK(Run(spec).ok);
  spec.json_path = "/checks/0/name";  // JSON pointer
  spec.json_equals = "\"db\"";
  CHECK(Run(spec).ok);
  spec.json_path = "$['count']";
  spec.json_equals = "3.0";           // numbers compare by value
  CHECK(Run(spec).ok);
  spec.json_path = "$.ratio";
  spec.json_equals = "3";
  CHECK(Run(spec).ok);
  // Quoted keys take backslash escapes, as in the HTTP target's checks (lib/jsonpath).
  spec.json_path = R"($['it\'s'])";
  spec.json_equals = "\"yes\"";
  CHECK(Run(spec).ok);
  spec.json_path = "$.ratio";
  spec.json_equals = "4";
  CHECK_FALSE(Run(spec).ok);

  // A path without json_equals only has to exist.
  spec.json_path = "$.checks";
  spec.json_equals.reset();
  r = Run(spec);
  CHECK(r.ok);
  CHECK(r.observed == R"($.checks = [{"name":"db","up":true}])");

  // Mismatch.
  HttpProbeSpec degraded = Spec(server.Url("/degraded"));
  degraded.statuses = {503};
  degraded.json_path = "$.status";
  degraded.json_equals = "\"ok\"";
  r = Run(degraded);
  CHECK_FALSE(r.ok);
  CHECK(r.observed == "$.status = \"degraded\"");
  CHECK(r.message == "GET " + degraded.url + ": expected $.status = \"ok\", got \"degraded\".");

  // Missing: an index past the end, a key on a string, a key that is not there.
  for (const char* path : {"$.checks[5].name", "$.status.x", "$.nope", "/checks/x"}) {
    spec.json_path = path;
    spec.json_equals = "1";
    r = Run(spec);
    CHECK_FALSE(r.ok);
    CHECK(r.observed == std::string(path) + " missing");
    CHECK(r.message == "The JSON body of GET " + spec.url + " has no " + path + ".");
  }

  // Not JSON at all.
  HttpProbeSpec text = Spec(server.Url("/text"));
  text.json_path = "$.status";
  r = Run(text);
  CHECK_FALSE(r.ok);
  CHECK(r.observed == "status 200, body not JSON: plain text, not JSON");
}

TEST_CASE("probe: answers delimited by close, truncated, or not HTTP") {
  {
    RawServer raw([](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
      Send(s, "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\":[1,2]}");
    });
    HttpProbeSpec spec = Spec(raw.Url());
    spec.json_path = "$.a[1]";
    spec.json_equals = "2";
    CHECK(Run(spec).ok);
  }
  {
    RawServer raw([](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
      Send(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    });
    ProbeResult r = Run(Spec(raw.Url()));
    CHECK_FALSE(r.ok);
    CHECK(r.observed == "connection closed after 10 of 100 body bytes");
  }
  {
    RawServer raw([](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
      Send(s, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
    });
    ProbeResult r = Run(Spec(raw.Url()));
    CHECK_FALSE(r.ok);
    CHECK(r.observed == "bad answer");
    CHECK(r.message.find("not an HTTP/1.x answer: 'SSH-2.0-OpenSSH_9.2'") != std::string::npos);
  }
  {
    RawServer raw([](Poco::Net::StreamSocket&, const std::atomic<bool>&) {});  // closes at once
    ProbeResult r = Run(Spec(raw.Url()));
    CHECK_FALSE(r.ok);
    CHECK(r.observed == "connection closed without an answer");
  }
  {
    // 100 Continue before the real answer is skipped.
    RawServer raw([](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
      Send(s, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok");
    });
    ProbeResult r = Run(Spec(raw.Url()));
    CHECK(r.ok);
    CHECK(r.status == 202);
  }
}

TEST_CASE("probe: a server that never answers costs the timeout, not more") {
  // Listening, never accepting: the kernel completes the connection, nobody answers.
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  HttpProbeSpec spec = Spec("http://127.0.0.1:" + std::to_string(silent.address().port()) + "/");
  spec.timeout_s = 0.5;
  auto start = Clock::now();
  ProbeResult r = Run(spec);
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  CHECK_FALSE(r.ok);
  CHECK(r.observed == "timeout after 0.5 s");
  CHECK(r.message == "GET " + spec.url + " failed: no answer within the timeout.");
  CHECK(took >= 0.45);
  CHECK(took < 0.5 + 0.5);
}

TEST_CASE("probe: a server dripping its body cannot stretch the timeout") {
  RawServer raw([](Poco::Net::StreamSocket& s, const std::atomic<bool>& stop) {
    Send(s, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    for (int i = 0; i < 100 && !stop; ++i) {  // one byte every 50 ms: each read is quick
      Send(s, "x");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  HttpProbeSpec spec = Spec(raw.Url());
  spec.timeout_s = 0.5;
  auto start = Clock::now();
  ProbeResult r = Run(spec);
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  CHECK_FALSE(r.ok);
  CHECK(r.status == 200);
  CHECK(r.observed == "status 200, timeout after 0.5 s reading the body");
  CHECK(took >= 0.45);
  CHECK(took < 0.5 + 0.5);
}

TEST_CASE("probe: connection refused") {
  int port = 0;
  {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = s.address().port();
  }  // closed: nothing listens there any more
  HttpProbeSpec spec = Spec("http://127.0.0.1:" + std::to_string(port) + "/health");
  auto start = Clock::now();
  ProbeResult r = Run(spec);
  CHECK(std::chrono::duration<double>(Clock::now() - start).count() < 1.0);
  CHECK_FALSE(r.ok);
  CHECK(r.observed == "connection refused");
  CHECK(r.message == "GET " + spec.url + " failed: nothing accepts connections at 127.0.0.1:" +
                         std::to_string(port) + ".");
}

TEST_CASE("CheckHttpProbe names the field") {
  auto error = [](HttpProbeSpec spec) {
    std::string err;
    CHECK_FALSE(CheckHttpProbe(spec, &err));
    return err;
  };
  HttpProbeSpec ok = Spec("http://localhost:8080/health");
  std::string err;
  CHECK(CheckHttpProbe(ok, &err));

  HttpProbeSpec s = ok;
  s.url = "https://example.com/health";
  CHECK(error(s) == "url 'https://example.com/health': https:// is not supported by HTTP probes; use http://");
  s.url = "ftp://example.com/";
  CHECK(error(s) == "url 'ftp://example.com/' must start with http://");
  s.url = "localhost:8080";
  CHECK(error(s).rfind("url 'localhost:8080'", 0) == 0);
  s.url = "http:///path";
  CHECK(error(s) == "url 'http:///path' has no host");

  s = ok;
  s.method = "GE T";
  CHECK(error(s) == "method 'GE T' is not an HTTP method name");
  s = ok;
  s.headers = {{"X Bad", "v"}};
  CHECK(error(s) == "headers: 'X Bad' is not a valid header name");
  s.headers = {{"X-Ok", "a\r\nInjected: 1"}};
  CHECK(error(s) == "headers: the value of 'X-Ok' contains a line break");
  s = ok;
  s.statuses = {200, 99};
  CHECK(error(s) == "statuses: 99 is not an HTTP status (100-599)");
  s = ok;
  s.timeout_s = 0;
  CHECK(error(s) == "timeout_s must be a positive number of seconds");

  s = ok;
  s.json_path = "status";
  CHECK(error(s) ==
        "json_path 'status' must start with '$' (like $.a.b[0]) or '/' (a JSON pointer like /a/b/0)");
  s.json_path = "$.a[";
  CHECK(error(s) == "json_path '$.a[': expected an array index like [0] or a quoted key like ['a'] at column 4");
  s.json_path = "$..a";
  CHECK(error(s) == "json_path '$..a': expected a key after '.' at column 3");
  s.json_path = "$['a";
  CHECK(error(s) == "json_path '$['a': unterminated quoted key at column 2");
  s.json_path = "$x";
  CHECK(error(s) == "json_path '$x': expected '.' or '[', found 'x' at column 2");
  s.json_path = "/a~2";
  CHECK(error(s) == "json_path '/a~2': '~' not followed by 0 or 1 at column 3 (write ~0 for ~ and ~1 for /)");

  s = ok;
  s.json_equals = "ok";
  CHECK(error(s) == "json_equals 'ok' is not valid JSON (a string needs quotes: \"\\\"ok\\\"\")");

  // RunHttpProbe refuses an invalid spec without touching the network.
  s.json_equals = "ok";
  ProbeResult r = RunHttpProbe(s);
  CHECK_FALSE(r.ok);
  CHECK(r.observed == "invalid probe");
  CHECK(r.message.rfind("The probe is invalid: json_equals 'ok'", 0) == 0);
}
