// A loopback echo server for the proxy's tests: one epoll thread for any number of
// connections. It echoes what it reads and, when a client ends its side (EOF), echoes what is
// left, closes its own side and the connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace sp::proxy::test {

class EchoServer {
 public:
  EchoServer();
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  void Run();

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int stop_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace sp::proxy::test
