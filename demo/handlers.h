// The demo's HTTP routes on Poco::Net::HTTPServer:
//   POST /webhook   (webhook role) a Telegram-style Update -> 200 {"ok":true,"reply":...}; 400
//                   when invalid; with an upstream also 502/503/504 and X-Circuit-State
//   POST /v1/reply  (upstream role) {"text":...} -> 200 {"reply":...} (reply_api.h)
//   GET  /health    200 {"status":"ok"}
//   GET  /stats     the Stats JSON (not counted itself)
//   GET  /metrics   the same counters for Prometheus (not counted itself)
//   anything else   404; a known path with another method 405 (with Allow)
// Every response but /metrics is JSON; each is counted in Stats right before it is sent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "demo/guarded_upstream.h"
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

enum class Role { kWebhook, kUpstream };

struct HandlerConfig {
  Role role = Role::kWebhook;
  std::chrono::milliseconds latency{0};  // added before every /webhook or /v1/reply answer
  GuardedUpstream* upstream = nullptr;   // webhook role: where replies come from; null: local
  std::size_t max_body = 1 << 20;  // larger request bodies get 413 and the connection closed
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  // `stats` and `stop` must outlive the server.
  HandlerFactory(Stats* stats, StopSignal* stop, HandlerConfig config);
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

  // Tells every connection constructed so far that the server stops (Poco's serverStopped
  // event, which only a subclass may fire): each finishes the request it is serving, if any,
  // then its socket is shut down.
  void ServerStopped();

 private:
  Stats* stats_;
  StopSignal* stop_;
  HandlerConfig config_;
};

}  // namespace sp::demo
