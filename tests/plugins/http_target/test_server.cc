#include "test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "tests/support/loopback_io.h"

namespace sp::http::test {
namespace {

int ListenOnLoopback(uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 512) != 0) {
    close(fd);
    throw std::runtime_error("bind/listen failed");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

using plugin_test::content_length;
using plugin_test::send_all;

}  // namespace

TestServer::TestServer(Options options) : options_(std::move(options)) {
  listen_fd_ = ListenOnLoopback(&port_);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TestServer::~TestServer() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  acceptor_.join();
  close(listen_fd_);
  std::vector<std::thread> handlers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);  // wakes recv() in every handler
    handlers.swap(handlers_);
  }
  for (auto& t : handlers) t.join();
}

std::vector<std::string> TestServer::Peers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peers_;
}

std::string TestServer::LastRequest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_request_;
}

int TestServer::OpenConnections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(open_fds_.size());
}

bool TestServer::WaitForOpenConnections(int n) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (OpenConnections() != n) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

bool TestServer::WaitForRequests(int n) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (requests_.load() < n) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void TestServer::AcceptLoop() {
  while (!stopping_) {
    sockaddr_in peer{};
    socklen_t peer_len = sizeof peer;
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    ++connections_;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
    std::lock_guard<std::mutex> lock(mu_);
    peers_.push_back(text);
    if (stopping_) {
      close(fd);
      return;
    }
    open_fds_.push_back(fd);
    handlers_.emplace_back([this, fd] { Serve(fd); });
  }
}

bool TestServer::ReadRequest(int fd, std::string* pending, std::string* out) {
  char buf[4096];
  size_t head_end;
  while ((head_end = pending->find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending->append(buf, static_cast<size_t>(n));
  }
  const size_t total = head_end + 4 + content_length(pending->substr(0, head_end + 2));
  while (pending->size() < total) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending->append(buf, static_cast<size_t>(n));
  }
  *out = pending->substr(0, total);
  pending->erase(0, total);
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_request_ = *out;
  }
  ++requests_;
  return true;
}

void TestServer::Serve(int fd) {
  const std::string& body = options_.body;
  const std::string status_line =
      "HTTP/1.1 " + std::to_string(options_.status) + " Status\r\n";
  const std::string fixed = status_line + options_.headers + "Content-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body;
  const auto echo = [&](const std::string& text) {
    return status_line + options_.headers + "Content-Length: " + std::to_string(text.size()) +
           "\r\n\r\n" + text;
  };
  std::string pending, request;
  int served = 0;
  while (!stopping_ && ReadRequest(fd, &pending, &request)) {
    bool keep_open = true;
    switch (options_.mode) {
      case Mode::kKeepAlive:
        keep_open = send_all(fd, fixed);
        break;
      case Mode::kChunked:
        keep_open = send_all(fd, status_line + "Transfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n"
                                 "2;ext=1\r\nlo\r\n0\r\nX-Trailer: t\r\n\r\n");
        break;
      case Mode::kCloseEach:
        send_all(fd, status_line + "Connection: close\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body);
        keep_open = false;
        break;
      case Mode::kDropSecond:
        keep_open = served == 0 && send_all(fd, fixed);
        break;
      case Mode::kIdleClose:
        send_all(fd, fixed);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        keep_open = false;
        break;
      case Mode::kUntilClose:
        send_all(fd, status_line + "\r\n" + body);
        keep_open = false;
        break;
      case Mode::kResetMidResponse: {
        send_all(fd, status_line + "Content-Length: 100\r\n\r\nabc");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const linger reset{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        keep_open = false;
        break;
      }
      case Mode::kStall:
        break;  // the next ReadRequest blocks until the client or the test gives up
      case Mode::kGarbage:
        keep_open = send_all(fd, "garbage\r\n\r\n");
        break;
      case Mode::kEcho:
        keep_open = send_all(fd, echo(request));
        break;
      case Mode::kEchoBody:
        keep_open = send_all(fd, echo(request.substr(request.find("\r\n\r\n") + 4)));
        break;
    }
    ++served;
    if (!keep_open) break;
  }
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  close(fd);
}

uint16_t UnusedPort() {
  uint16_t port = 0;
  close(ListenOnLoopback(&port));
  return port;
}

}  // namespace sp::http::test
