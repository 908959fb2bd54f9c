// Redirects end to end (worker_redirect.cc): a loopback server answers with 3xx, and the
// worker follows them through the plugin's vtable, reporting each hop as its own result.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "script_server.h"
#include "test_host.h"

using namespace sp::http::test;

namespace {

// Answers by path: /login (POST) 302 to /home setting sid for /home only; /home 200;
// /s/<n> 3xx (n the status) to /echo; /echo echoes the request as its body; /loop 301 to
// itself; /away 302 to another origin; anything else 200. Keeps every request in order.
class RedirectServer : public AnsweringServer {
 public:
  RedirectServer() : AnsweringServer(Answer) {}

 private:
  static std::string Answer(const std::string& request) {
    const std::string path = RequestPath(request);
    if (path == "/login") {
      return FixedResponse(302, "", "Location: /home\r\nSet-Cookie: sid=7; Path=/home\r\n");
    }
    if (path.rfind("/s/", 0) == 0) {
      return FixedResponse(std::stoi(path.substr(3)), "moved", "Location: ../echo\r\n");
    }
    if (path == "/echo") return FixedResponse(200, request);
    if (path == "/loop") return FixedResponse(301, "", "Location: /loop\r\n");
    if (path == "/away") return FixedResponse(302, "", "Location: http://127.0.0.2:9/x\r\n");
    return FixedResponse(200, "home");
  }
};

RequestSettings Step(const std::string& method, const std::string& path) {
  RequestSettings r;
  r.name = path;
  r.method = method;
  r.path = path;
  return r;
}

}  // namespace

TEST_CASE("redirects: each hop is a result of its own; cookies it set go to the next",
          "[redirect]") {
  RedirectServer server;
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings login = Step("POST", "/login");
  login.body = "user=a";
  login.checks = R"([{"status": 200}, {"body_contains": "home"}])";  // on the final response
  Target target;
  REQUIRE(target.Create(t, {login}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.SubmitAs(1, 0, 3, 0) == SP_OK);
  REQUIRE(worker.PollUntil(2));
  const sp_result& hop = worker.completions()[0].result;
  CHECK(hop.token == 1);
  CHECK(hop.flags == SP_RESULT_MORE);
  CHECK(hop.status == 302);
  CHECK(hop.error == SP_E_NONE);
  CHECK(hop.redirect == 0);
  CHECK(hop.bytes_received > 0);
  CHECK(hop.end_ns >= hop.start_ns);
  const sp_result& last = worker.completions()[1].result;
  CHECK(last.token == 1);
  CHECK(last.flags == 0);
  CHECK(last.status == 200);
  CHECK(last.error == SP_E_NONE);
  CHECK(last.redirect == 1);
  CHECK(last.start_ns >= hop.end_ns);

  const std::vector<std::string> seen = server.Requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].rfind("POST /login HTTP/1.1\r\n", 0) == 0);
  CHECK(seen[1].rfind("GET /home HTTP/1.1\r\n", 0) == 0);
  CHECK(seen[1].find("\r\nCookie: sid=7\r\n") != std::string::npos);  // set by the 302
  CHECK(seen[1].find("Content-Length") == std::string::npos);
  CHECK(seen[1].find("user=a") == std::string::npos);
}

TEST_CASE("redirects: 307 and 308 resend method and body, 301/302/303 send GET", "[redirect]") {
  RedirectServer server;
  TargetSettings t;
  t.base_url = server.Url();
  std::vector<RequestSettings> steps;
  for (const char* status : {"301", "302", "303", "307", "308"}) {
    RequestSettings r = Step("PUT", std::string("/s/") + status);
    r.body = R"({"n": 1})";
    steps.push_back(r);
  }
  Target target;
  REQUIRE(target.Create(t, steps) == SP_OK);
  Worker worker(target);
  for (uint32_t i = 0; i < steps.size(); ++i) {
    REQUIRE(worker.Submit(10 + i, i) == SP_OK);
    REQUIRE(worker.PollUntil(2 * (i + 1)));
  }
  const std::vector<std::string> seen = server.Requests();
  REQUIRE(seen.size() == 10);
  for (size_t i = 0; i < 3; ++i) {
    INFO(seen[2 * i + 1]);
    CHECK(seen[2 * i + 1].rfind("GET /echo HTTP/1.1\r\n", 0) == 0);
    CHECK(seen[2 * i + 1].find("Content-Type") == std::string::npos);
  }
  for (size_t i = 3; i < 5; ++i) {
    INFO(seen[2 * i + 1]);
    CHECK(seen[2 * i + 1].rfind("PUT /echo HTTP/1.1\r\n", 0) == 0);
    CHECK(seen[2 * i + 1].find("Content-Type: application/json\r\nContent-Length: 8\r\n\r\n"
                               "{\"n\": 1}") != std::string::npos);
  }
}

TEST_CASE("redirects: a multipart upload is streamed again after 307, not after 303",
          "[redirect][multipart]") {
  std::string dir = (std::filesystem::temp_directory_path() / "sp-redirect-XXXXXX").string();
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  std::ofstream(dir + "/f.txt") << "file-bytes";
  RedirectServer server;
  TargetSettings t;
  t.base_url = server.Url();
  std::vector<RequestSettings> steps;
  for (const char* status : {"303", "307"}) {
    RequestSettings r = Step("POST", std::string("/s/") + status);
    r.multipart = R"({"f": {"file": "f.txt"}})";
    r.multipart_dir = dir;
    steps.push_back(r);
  }
  Target target;
  REQUIRE(target.Create(t, steps) == SP_OK);
  Worker worker(target);
  for (uint32_t i = 0; i < steps.size(); ++i) {
    REQUIRE(worker.Submit(20 + i, i) == SP_OK);
    REQUIRE(worker.PollUntil(2 * (i + 1)));
    CHECK(worker.completions().back().result.error == SP_E_NONE);
  }
  std::filesystem::remove_all(dir);
  const std::vector<std::string> seen = server.Requests();
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].find("file-bytes") != std::string::npos);
  CHECK(seen[1] == seen[1].substr(0, seen[1].find("\r\n\r\n") + 4));  // a GET, no body
  CHECK(seen[1].rfind("GET /echo HTTP/1.1\r\n", 0) == 0);
  CHECK(seen[3].rfind("POST /echo HTTP/1.1\r\n", 0) == 0);
  CHECK(seen[3].find("file-bytes") != std::string::npos);
  CHECK(seen[3].substr(seen[3].find("\r\n\r\n")) == seen[2].substr(seen[2].find("\r\n\r\n")));
}

TEST_CASE("redirects: a loop ends in too_many_redirects after max_redirects + 1 requests",
          "[redirect]") {
  RedirectServer server;
  TargetSettings t;
  t.base_url = server.Url();
  t.max_redirects = 3;
  Target target;
  REQUIRE(target.Create(t, {Step("GET", "/loop")}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(5) == SP_OK);
  REQUIRE(worker.PollUntil(4));
  for (uint32_t i = 0; i < 3; ++i) {
    CHECK(worker.completions()[i].result.flags == SP_RESULT_MORE);
    CHECK(worker.completions()[i].result.redirect == i);
  }
  const Completion& last = worker.completions()[3];
  CHECK(last.result.flags == 0);
  CHECK(last.result.error == SP_E_TOO_MANY_REDIRECTS);
  CHECK(last.result.status == 301);
  CHECK(last.result.redirect == 3);
  CHECK(last.detail.find("3 redirects followed") != std::string::npos);
  CHECK(last.detail.find(server.Url() + "/loop") != std::string::npos);
  CHECK(server.Requests().size() == 4);
  CHECK_FALSE(worker.PollUntil(5, 50 * kMs));  // nothing more
}

TEST_CASE("redirects: max_redirects 0 (per request) makes the 3xx the response", "[redirect]") {
  RedirectServer server;
  TargetSettings t;
  t.base_url = server.Url();
  RequestSettings loop = Step("GET", "/loop");
  loop.max_redirects = 0;
  RequestSettings twice = Step("GET", "/loop");
  twice.max_redirects = 1;
  Target target;
  REQUIRE(target.Create(t, {loop, twice}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1, 0) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  CHECK(worker.completions()[0].result.status == 301);
  CHECK(worker.completions()[0].result.error == SP_E_NONE);
  CHECK(worker.completions()[0].result.flags == 0);
  CHECK_FALSE(worker.PollUntil(2, 50 * kMs));
  CHECK(server.Requests().size() == 1);

  REQUIRE(worker.Submit(2, 1) == SP_OK);
  REQUIRE(worker.PollUntil(3));
  CHECK(worker.completions()[2].result.error == SP_E_TOO_MANY_REDIRECTS);
  CHECK(server.Requests().size() == 3);
}

TEST_CASE("redirects: another origin is not followed; the 3xx is final and says why",
          "[redirect]") {
  RedirectServer server;
  TargetSettings t;
  t.base_url = server.Url();
  Target target;
  REQUIRE(target.Create(t, {Step("GET", "/away")}) == SP_OK);
  Worker worker(target);
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  const Completion& c = worker.completions()[0];
  CHECK(c.result.status == 302);
  CHECK(c.result.error == SP_E_NONE);
  CHECK(c.result.flags == 0);
  CHECK(c.detail == "redirect to http://127.0.0.2:9/x not followed: it leaves base_url's origin");
  CHECK_FALSE(worker.PollUntil(2, 50 * kMs));
  CHECK(server.Requests().size() == 1);
}

TEST_CASE("redirects: a host older than ABI 1.4 gets one result spanning every hop", "[redirect]") {
  RedirectServer server;
  TargetSettings t;
  t.base_url = server.Url();
  t.host_abi_minor = 3;
  Target target;
  REQUIRE(target.Create(t, {Step("POST", "/login")}) == SP_OK);
  Worker worker(target);
  const uint64_t before = NowNs();
  REQUIRE(worker.Submit(1) == SP_OK);
  REQUIRE(worker.PollUntil(1));
  CHECK_FALSE(worker.PollUntil(2, 50 * kMs));
  const sp_result& r = worker.completions()[0].result;
  CHECK(r.flags == 0);
  CHECK(r.status == 200);
  CHECK(r.start_ns >= before);
  const std::vector<std::string> seen = server.Requests();
  REQUIRE(seen.size() == 2);
  // Bytes of both hops: both requests sent, both responses received.
  CHECK(r.bytes_sent == seen[0].size() + seen[1].size());
  CHECK(r.bytes_received ==
        FixedResponse(302, "", "Location: /home\r\nSet-Cookie: sid=7; Path=/home\r\n").size() +
            FixedResponse(200, "home").size());
}

TEST_CASE("redirects: max_redirects out of range is refused, naming the option", "[redirect]") {
  TargetSettings t;
  t.base_url = "http://127.0.0.1:1";
  t.max_redirects = -1;
  Target target;
  CHECK(target.Create(t, {Step("GET", "/")}) == SP_INVALID_ARGUMENT);
  CHECK(std::string(target.error().message) ==
        "max_redirects must be between 0 (do not follow redirects) and 1000, got -1");
  CHECK(std::string(target.error().option) == "max_redirects");

  t.max_redirects.reset();
  RequestSettings r = Step("GET", "/");
  r.max_redirects = 1001;
  Target again;
  CHECK(again.Create(t, {r}) == SP_INVALID_ARGUMENT);
  CHECK(std::string(again.error().option) == "requests/0");
  CHECK(std::string(again.error().path) == "/max_redirects");
}
