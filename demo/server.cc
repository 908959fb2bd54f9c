#include "demo/server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <utility>

namespace sp::demo {
namespace {

constexpr int kListenBacklog = 1024;  // bursts of a few hundred connects at once
constexpr int kKeepAliveSeconds = 10;
constexpr int kThreadIdleSeconds = 60;

}  // namespace

DemoServer::DemoServer(ServerOptions options, Stats* stats, GuardedUpstream* upstream)
    : options_(std::move(options)), stats_(stats), upstream_(upstream) {}

DemoServer::~DemoServer() { Stop(); }

bool DemoServer::Start(std::string* err) {
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  try {
    Poco::Net::SocketAddress address(options_.host, options_.port);
    Poco::Net::ServerSocket socket;
    // SO_REUSEADDR for quick restarts; no SO_REUSEPORT, so a second demo on the same port
    // fails instead of sharing it.
    socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(kListenBacklog);
    port_ = socket.address().port();

    auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(kKeepAliveSeconds, 0));
    params->setMaxKeepAliveRequests(0);  // unlimited requests per connection
    params->setMaxThreads(options_.threads);
    params->setMaxQueued(options_.max_queued);
    params->setThreadIdleTime(Poco::Timespan(kThreadIdleSeconds, 0));
    params->setServerName("stressplan-demo");

    pool_ = std::make_unique<Poco::ThreadPool>("demo", 2, options_.threads, kThreadIdleSeconds);
    HandlerConfig config;
    config.role = options_.role;
    config.latency = options_.latency;
    config.upstream = upstream_;
    server_ = std::make_unique<Poco::Net::HTTPServer>(
        new HandlerFactory(stats_, &stop_, config), *pool_, socket, params);
    server_->start();
    return true;
  } catch (const Poco::Exception& e) {
    *err = "cannot listen on " + where + ": " + e.displayText();
  } catch (const std::exception& e) {
    *err = "cannot listen on " + where + ": " + e.what();
  }
  server_.reset();
  pool_.reset();
  return false;
}

void DemoServer::Stop() {
  if (!server_) return;
  stop_.Trigger();
  // abortCurrent = false: each connection's request in progress finishes (and is counted)
  // before its socket is shut down.
  server_->stopAll(false);
  pool_->joinAll();
  server_.reset();
  pool_.reset();
}

}  // namespace sp::demo
