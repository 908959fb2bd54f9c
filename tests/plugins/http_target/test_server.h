// A small threaded, blocking HTTP server on 127.0.0.1 for the http target's tests: one thread
// per connection, each answering the way its Mode says, counting what it received.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sp::http::test {

class TestServer {
 public:
  enum class Mode {
    kKeepAlive,         // Content-Length responses, connection kept open
    kChunked,           // chunked responses with a trailer, connection kept open
    kCloseEach,         // "Connection: close" and close after each response
    kDropSecond,        // answer the first request of a connection; read the next and close silently
    kIdleClose,         // answer keep-alive, then close the idle connection after 20 ms
    kUntilClose,        // no Content-Length: the body ends when the server closes
    kResetMidResponse,  // send the head and 3 of 100 body bytes, then reset (RST)
    kStall,             // read the request, never answer
    kGarbage,           // answer with bytes that are not HTTP
    kEcho,              // keep-alive; the response body is the whole request as received
    kEchoBody,          // keep-alive; the response body is the request's body
  };

  struct Options {
    Mode mode = Mode::kKeepAlive;
    int status = 200;
    std::string body = "hello";
    std::string headers = "";  // extra header lines, each ending "\r\n" (kKeepAlive, kEcho*)
  };

  explicit TestServer(Options options);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }
  // Connections open now: accepted and not yet closed by the peer (or by the server's mode).
  int OpenConnections() const;
  // Waits (up to 5 s) until exactly `n` connections are open.
  bool WaitForOpenConnections(int n) const;
  std::string LastRequest() const;
  // The source address of each connection accepted, in order ("127.0.0.1").
  std::vector<std::string> Peers() const;
  // Waits (up to 5 s) until `n` requests have been read.
  bool WaitForRequests(int n) const;

 private:
  void AcceptLoop();
  void Serve(int fd);
  // Reads one whole request (head + Content-Length body) into *out; false on EOF or error.
  bool ReadRequest(int fd, std::string* pending, std::string* out);

  Options options_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::vector<int> open_fds_;
  std::vector<std::thread> handlers_;
  std::string last_request_;
  std::vector<std::string> peers_;
  std::thread acceptor_;
};

// A port on 127.0.0.1 with nothing listening (bound then closed).
uint16_t UnusedPort();

}  // namespace sp::http::test
