// The `/metrics` endpoint: an HTTP server on the `listen:` address, on threads of its own
// (Poco's acceptor and a pool of two handlers), answering GET /metrics with the last
// published exposition and 404 to anything else. The bus thread publishes; a scrape never
// waits for the bus, nor the bus for a scrape.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace sp::prometheus_reporter {

// The text a scrape answers, shared between the bus thread and the server's threads.
class PublishedText {
 public:
  void Publish(std::string text);
  std::shared_ptr<const std::string> Get() const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const std::string> text_ = std::make_shared<const std::string>();
};

class ScrapeServer {
 public:
  // Listens on `address` ("host:port"; port 0 picks a free one) and starts serving. Throws
  // std::runtime_error saying why it cannot (bad address, port in use).
  ScrapeServer(const std::string& address, std::shared_ptr<PublishedText> text);
  ~ScrapeServer();  // stops, waiting for the scrapes in progress
  ScrapeServer(const ScrapeServer&) = delete;
  ScrapeServer& operator=(const ScrapeServer&) = delete;

  // The bound address, "127.0.0.1:9464".
  std::string address() const { return address_; }

 private:
  Poco::ThreadPool pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::string address_;
};

}  // namespace sp::prometheus_reporter
