// The /metrics endpoint on loopback, through Poco's client.
#include "plugins/reporters/prometheus/scrape_server.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <catch2/catch.hpp>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

using namespace sp::prometheus_reporter;

namespace {

struct Answer {
  int status;
  std::string content_type, body;
};

Answer Get(const std::string& address, const std::string& method, const std::string& path) {
  const size_t colon = address.rfind(':');
  Poco::Net::HTTPClientSession session(
      address.substr(0, colon), static_cast<Poco::UInt16>(std::stoi(address.substr(colon + 1))));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::ostringstream body;
  Poco::StreamCopier::copyStream(in, body);
  return {static_cast<int>(response.getStatus()), response.getContentType(), body.str()};
}

}  // namespace

TEST_CASE("GET /metrics answers the last published text; anything else is refused",
          "[prometheus]") {
  auto text = std::make_shared<PublishedText>();
  ScrapeServer server("127.0.0.1:0", text);
  REQUIRE(server.address().rfind("127.0.0.1:", 0) == 0);
  REQUIRE(server.address() != "127.0.0.1:0");
  REQUIRE(Get(server.address(), "GET", "/metrics").body.empty());
  text->Publish("a 1\n");
  const Answer a = Get(server.address(), "GET", "/metrics");
  REQUIRE(a.status == 200);
  REQUIRE(a.content_type == "text/plain; version=0.0.4; charset=utf-8");
  REQUIRE(a.body == "a 1\n");
  REQUIRE(Get(server.address(), "GET", "/").status == 404);
  REQUIRE(Get(server.address(), "GET", "/metricsx").status == 404);
  REQUIRE(Get(server.address(), "POST", "/metrics").status == 405);
}

TEST_CASE("a port in use is refused, saying what to do", "[prometheus]") {
  auto text = std::make_shared<PublishedText>();
  ScrapeServer first("127.0.0.1:0", text);
  try {
    ScrapeServer second(first.address(), text);
    FAIL("the second server listened on the same port");
  } catch (const std::runtime_error& e) {
    REQUIRE(std::string(e.what()).find("cannot listen on " + first.address()) == 0);
    REQUIRE(std::string(e.what()).find("choose another `listen:`") != std::string::npos);
  }
}
