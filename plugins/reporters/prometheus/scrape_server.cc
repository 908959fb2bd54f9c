#include "plugins/reporters/prometheus/scrape_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <stdexcept>
#include <utility>

#include "plugins/reporters/prometheus/text_format.h"

namespace sp::prometheus_reporter {

void PublishedText::Publish(std::string text) {
  auto next = std::make_shared<const std::string>(std::move(text));
  std::lock_guard<std::mutex> lock(mu_);
  text_ = std::move(next);
}

std::shared_ptr<const std::string> PublishedText::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return text_;
}

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

class MetricsHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit MetricsHandler(std::shared_ptr<PublishedText> text) : text_(std::move(text)) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    const std::string& uri = request.getURI();
    const bool metrics = uri == "/metrics" || uri.rfind("/metrics?", 0) == 0;
    if (!metrics || (request.getMethod() != "GET" && request.getMethod() != "HEAD")) {
      response.setStatusAndReason(metrics ? HTTPResponse::HTTP_METHOD_NOT_ALLOWED
                                          : HTTPResponse::HTTP_NOT_FOUND);
      response.setContentType("text/plain");
      response.send() << (metrics ? "only GET /metrics\n" : "not found: only GET /metrics\n");
      return;
    }
    const std::shared_ptr<const std::string> body = text_->Get();
    response.setContentType(kTextContentType);
    response.setContentLength(static_cast<std::streamsize>(body->size()));
    if (request.getMethod() == "HEAD") {
      response.send();
      return;
    }
    response.sendBuffer(body->data(), body->size());
  }

 private:
  std::shared_ptr<PublishedText> text_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(std::shared_ptr<PublishedText> text) : text_(std::move(text)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new MetricsHandler(text_);
  }

 private:
  std::shared_ptr<PublishedText> text_;
};

}  // namespace

ScrapeServer::ScrapeServer(const std::string& address, std::shared_ptr<PublishedText> text)
    : pool_(1, 2) {
  Poco::Net::ServerSocket socket;
  try {
    // SO_REUSEADDR for a quick restart, but not SO_REUSEPORT: a port in use must be refused.
    socket.bind(Poco::Net::SocketAddress(address), /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(64);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot listen on " + address + ": " + e.displayText() +
                             " (choose another `listen:` address or port)");
  }
  address_ = socket.address().toString();
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(2);
  params->setTimeout(Poco::Timespan(5, 0));
  server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(std::move(text)), pool_,
                                                    socket, params);
  server_->start();
}

ScrapeServer::~ScrapeServer() {
  server_->stopAll(/*abortCurrent=*/false);
  pool_.joinAll();
}

}  // namespace sp::prometheus_reporter
