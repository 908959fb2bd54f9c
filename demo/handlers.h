// The demo's HTTP routes on Poco::Net::HTTPServer:
//   POST /webhook  a Telegram-style Update -> 200 {"ok":true,"reply":...}; 400 when invalid
//   GET  /health   200 {"status":"ok"}
//   GET  /stats    the Stats JSON (not counted itself)
//   anything else  404; a known path with another method 405 (with Allow)
// Every response is JSON and counted in Stats right before it is sent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "demo/stats.h"

namespace sp::demo {

// Set once when the server stops, so handlers sleeping for --latency answer at once instead
// of holding the shutdown up.
class StopSignal {
 public:
  void Trigger();
  // Sleeps for `d` or until Trigger(); returns false when woken by Trigger().
  bool SleepFor(std::chrono::milliseconds d);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

struct HandlerConfig {
  std::chrono::milliseconds latency{0};  // added before every /webhook answer
  std::size_t max_body = 1 << 20;  // larger request bodies get 413 and the connection closed
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  // `stats` and `stop` must outlive the server.
  HandlerFactory(Stats* stats, StopSignal* stop, HandlerConfig config);
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  Stats* stats_;
  StopSignal* stop_;
  HandlerConfig config_;
};

}  // namespace sp::demo
