// The demo's HTTP/1.1 server: Poco's HTTPServerConnection on a TCPServer, with keep-alive,
// one pooled thread per open connection.
//
// Limits: up to `threads` connections are served at once (a connection holds its thread
// until it closes or idles for 10 s, before its first request or between two); up to
// `max_queued` more are accepted and wait for a thread; connections beyond that are closed
// right after accept. Request bodies are limited to 1 MiB (413).
//
// A webhook request waiting for its upstream blocks its thread (and one upstream
// connection) for up to --upstream-timeout, so `threads` is also the limit of requests in
// flight while the upstream is slow: the default 512 keeps >= 200 of them going with room
// for idle keep-alive connections.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <Poco/SharedPtr.h>

#include "demo/handlers.h"
#include "demo/stats.h"

namespace Poco {
class ThreadPool;
namespace Net {
class TCPServer;
}
}  // namespace Poco

namespace sp::demo {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8089;  // 0: any free port (see DemoServer::port())
  int threads = 512;
  int max_queued = 256;
  std::chrono::milliseconds latency{0};
  Role role = Role::kWebhook;
};

class DemoServer {
 public:
  // `stats` and `upstream` (null: the bot answers by itself) must outlive the server.
  DemoServer(ServerOptions options, Stats* stats, GuardedUpstream* upstream = nullptr);
  ~DemoServer();  // Stop()
  DemoServer(const DemoServer&) = delete;
  DemoServer& operator=(const DemoServer&) = delete;

  // Binds and starts serving. False with *err when the address cannot be used.
  bool Start(std::string* err);
  std::uint16_t port() const { return port_; }  // the bound port once started

  // Stops accepting, wakes handlers sleeping for the latency, lets every request in progress
  // send its response (one waiting for its upstream does so within --upstream-timeout),
  // closes the connections and joins the threads. Idempotent. Afterwards the Stats are final.
  void Stop();

 private:
  ServerOptions options_;
  Stats* stats_;
  GuardedUpstream* upstream_;
  StopSignal stop_;
  std::atomic<bool> stopping_{false};       // set by Stop() before any connection is told
  std::unique_ptr<Poco::ThreadPool> pool_;  // outlives server_
  Poco::SharedPtr<HandlerFactory> handlers_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace sp::demo
