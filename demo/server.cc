#include "demo/server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <atomic>
#include <utility>

namespace sp::demo {
namespace {

constexpr int kListenBacklog = 1024;  // bursts of a few hundred connects at once
constexpr int kKeepAliveSeconds = 10;
constexpr int kThreadIdleSeconds = 60;  // a pooled thread's, before it exits
// How long a dispatcher thread waits for a connection before it returns to the pool. Poco's
// dispatcher stop (1.11) wakes the threads waiting at that moment; one that was about to
// wait misses it (Poco #2746, #3797) and only leaves after this wait, holding Stop() up.
constexpr int kDispatcherIdleSeconds = 1;

// Poco::Net::HTTPServer (1.11) tells only the connections constructed by the time it stops
// to shut down. A connection the dispatcher took from its queue a moment later was never
// told, and waited for a first request, holding Stop() up for the params' timeout (seen as
// a demo SIGKILLed after its stop_timeout, issue 9). So the server is a TCPServer with this
// connection, which serves nothing once `stopping` is set. Stop() sets it before it fires
// serverStopped, so every connection either hears the event or sees the flag.
class Connection : public Poco::Net::HTTPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
             Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, const std::atomic<bool>* stopping)
      : HTTPServerConnection(socket, std::move(params), std::move(handlers)), stopping_(stopping) {}

  void run() override {
    if (stopping_->load()) return;  // the socket closes with the connection
    HTTPServerConnection::run();
  }

 private:
  const std::atomic<bool>* stopping_;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  ConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                    const std::atomic<bool>* stopping)
      : params_(std::move(params)), handlers_(std::move(handlers)), stopping_(stopping) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new Connection(socket, params_, handlers_, stopping_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  const std::atomic<bool>* stopping_;
};

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
    params->setTimeout(Poco::Timespan(kKeepAliveSeconds, 0));  // for a first request, too
    params->setMaxKeepAliveRequests(0);  // unlimited requests per connection
    params->setMaxThreads(options_.threads);
    params->setMaxQueued(options_.max_queued);
    params->setThreadIdleTime(Poco::Timespan(kDispatcherIdleSeconds, 0));
    params->setServerName("stressplan-demo");

    pool_ = std::make_unique<Poco::ThreadPool>("demo", 2, options_.threads, kThreadIdleSeconds);
    HandlerConfig config;
    config.role = options_.role;
    config.latency = options_.latency;
    config.upstream = upstream_;
    handlers_ = Poco::SharedPtr<HandlerFactory>(new HandlerFactory(stats_, &stop_, config));
    server_ = std::make_unique<Poco::Net::TCPServer>(
        new ConnectionFactory(params, handlers_, &stopping_), *pool_, socket, params);
    server_->start();
    return true;
  } catch (const Poco::Exception& e) {
    *err = "cannot listen on " + where + ": " + e.displayText();
  } catch (const std::exception& e) {
    *err = "cannot listen on " + where + ": " + e.what();
  }
  server_.reset();
  handlers_.reset();
  pool_.reset();
  return false;
}

void DemoServer::Stop() {
  if (!server_) return;
  stop_.Trigger();
  stopping_ = true;
  server_->stop();  // no more accepts; queued connections are dropped
  // Each connection's request in progress finishes (and is counted) before its socket is
  // shut down.
  handlers_->ServerStopped();
  pool_->joinAll();
  server_.reset();
  handlers_.reset();
  pool_.reset();
}

}  // namespace sp::demo
