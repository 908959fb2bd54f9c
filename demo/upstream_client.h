// The webhook's HTTP client for its upstream's POST /v1/reply (reply_api.h), over a pool of
// keep-alive connections.
//
// Keep-alive on purpose: a fault proxy between the two can then hit a connection in the middle
// of its life (a reset, a stall of one response), as it would between real services. A call
// that fails or times out closes its connection instead of returning it to the pool - a late
// answer would otherwise be read as the next call's. There are no retries: every failure is
// the caller's to see (and its circuit breaker's to count).
//
// THREADING: Ask() may be called from any number of threads at once; each call has a
// connection of its own for its duration.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

namespace sp::demo {

// Where the upstream is: from --upstream http://HOST:PORT[/PREFIX].
struct UpstreamTarget {
  std::string url;     // as given, for messages
  std::string host;
  std::uint16_t port = 80;
  std::string prefix;  // path before /v1/reply, without a trailing '/'
};

// False with *err when `url` is not http://HOST[:PORT][/PREFIX] (no https, query or fragment).
bool ParseUpstreamUrl(const std::string& url, UpstreamTarget* target, std::string* err);

struct UpstreamAnswer {
  enum class Outcome { kOk, kError, kTimeout };
  Outcome outcome = Outcome::kError;
  std::string reply;   // kOk: the upstream's reply
  std::string detail;  // otherwise: what went wrong, for the error body
};

class UpstreamClient {
 public:
  // `timeout` bounds a whole call: connect, send, and reading the answer. At most `max_idle`
  // idle connections are kept.
  UpstreamClient(UpstreamTarget target, std::chrono::milliseconds timeout, std::size_t max_idle);
  ~UpstreamClient();
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  UpstreamAnswer Ask(const std::string& text);

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> Take();
  void GiveBack(std::unique_ptr<Poco::Net::HTTPClientSession> session);

  const UpstreamTarget target_;
  const std::chrono::milliseconds timeout_;
  const std::size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle_;  // last in, first out
};

}  // namespace sp::demo
