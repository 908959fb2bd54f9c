// Pushes remote write bodies (remote_write_encoding.h) to a Prometheus-compatible receiver
// from a thread of its own, so the bus thread never waits for the network.
//
// The bus thread enqueues one body per document; the queue holds at most `queue_limit`. When
// it is full the *oldest* body is dropped and counted: the counters are cumulative, so a newer
// body supersedes an older one. A body is retried with doubling backoff (100 ms up to 5 s)
// after a connection error, a timeout, a 5xx or a 429 answer, until it is sent, it has failed
// `max_attempts` times (then it is dropped and counted), or the flush's deadline passes. Any
// other 4xx answer is not retried: the receiver refuses that body (counted as dropped, and
// remembered: refused() and last_refusal() say why). The counters are cumulative, so what
// matters at the end is whether the last body was delivered (last_delivered()): a receiver
// that refused it or could not be reached is an error of the run, never a silent loss.
//
// https:// receivers are verified like the HTTP target's (tls_context.h there): the chain
// against `ca_file` or the system's trust store, and the URL's host name or IP address against
// the certificate, by OpenSSL during the handshake. `headers` (authorization included) go with
// every push.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace sp::prometheus_reporter {

struct RemoteTls;  // the https client context (remote_writer.cc: Poco stays out of headers)

struct RemoteWriteConfig {
  std::string url;  // http:// or https://host:port/path
  size_t queue_limit = 60;
  int max_attempts = 8;
  std::chrono::milliseconds timeout{5000};  // per request
  std::string ca_file;                      // https: the PEM trust store; "" = the system's
  std::vector<std::pair<std::string, std::string>> headers;  // sent with every push
};

class RemoteWriter {
 public:
  // Starts the sending thread. Throws std::invalid_argument when the URL is not http:// or
  // https://, or the TLS setup (ca_file) cannot be made.
  explicit RemoteWriter(RemoteWriteConfig config);
  ~RemoteWriter();  // stops at once: what is still queued is dropped
  RemoteWriter(const RemoteWriter&) = delete;
  RemoteWriter& operator=(const RemoteWriter&) = delete;

  // Bus thread. Never blocks on the network.
  void Enqueue(std::string body);
  // Bus thread, at the end: waits until everything queued is sent or dropped, at most
  // `deadline`; then what is left is dropped. True when nothing was left.
  bool Flush(std::chrono::milliseconds deadline);

  uint64_t dropped() const;
  uint64_t sent() const;
  // Bodies the receiver answered with a 4xx other than 429 (never retried).
  uint64_t refused() const;
  // The last refusal ("401 Unauthorized"), and the last failure of any attempt (a refusal, a
  // 5xx, or the connection's or TLS's error); "" when there was none.
  std::string last_refusal() const;
  std::string last_error() const;
  // The body the thread finished last was taken by the receiver (false before any).
  bool last_delivered() const;

  // "" when `url` can be pushed to, else why not.
  static std::string CheckUrl(const std::string& url);
  // "" when an https:// receiver can be verified with `ca_file` ("" = the system's), else why
  // not (the file is missing or holds no certificate). Makes no connection.
  static std::string CheckTls(const std::string& url, const std::string& ca_file);
  // The Authorization value of HTTP basic authentication (RFC 7617): "Basic base64(user:pw)".
  static std::string BasicAuthorization(const std::string& user, const std::string& password);

 private:
  void Loop();
  // Sends one body, retrying as the header says; true when the receiver took it.
  bool SendWithRetries(const std::string& body);
  // One POST: 2xx -> 0, 4xx -> 4, anything else (5xx, connection error, timeout) -> 5.
  int PostOnce(const std::string& body);
  int Post(const std::string& body);  // PostOnce without the exception handling
  void Failed(std::string why, bool refusal = false);
  // Waits `d` unless stopping; false when told to stop.
  bool Backoff(std::chrono::milliseconds d);

  RemoteWriteConfig config_;
  std::string host_, path_;
  uint16_t port_ = 0;
  std::shared_ptr<const RemoteTls> tls_;  // https only
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool busy_ = false;  // the thread holds a body it took from the queue
  bool stop_ = false;
  uint64_t dropped_ = 0, sent_ = 0, refused_ = 0;
  std::string last_error_, last_refusal_;
  bool last_delivered_ = false;
  std::thread thread_;  // last: started after everything it uses
};

}  // namespace sp::prometheus_reporter
