// A tiny keep-alive HTTP/1.1 server on loopback for the proxy's tests: a thread per
// connection, Content-Length request bodies, and a few paths that exercise the framing:
//   /chunked  a chunked response        /empty  204 No Content
//   anything else: 200 with body "ok:<path>" (no body for HEAD).
// It records every request line it received.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sp::proxy::test {

class HttpServer {
 public:
  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const { return port_; }
  int requests() const { return requests_.load(); }
  std::vector<std::string> RequestLines() const;

 private:
  void AcceptLoop();
  void Serve(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  std::vector<int> fds_;
  std::vector<std::thread> handlers_;
  std::thread acceptor_;
};

}  // namespace sp::proxy::test
