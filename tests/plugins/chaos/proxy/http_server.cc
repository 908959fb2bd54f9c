#include "http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "test_client.h"

namespace sp::proxy::test {

HttpServer::HttpServer() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 512) != 0) {
    throw std::runtime_error("http server: cannot listen");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

HttpServer::~HttpServer() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  close(listen_fd_);
  std::vector<std::thread> handlers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    handlers.swap(handlers_);
  }
  for (auto& t : handlers) t.join();
  for (int fd : fds_) close(fd);
}

std::vector<std::string> HttpServer::RequestLines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

void HttpServer::AcceptLoop() {
  while (!stopping_) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    fds_.push_back(fd);
    handlers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void HttpServer::Serve(int fd) {
  Reader reader(fd, 30'000);
  for (;;) {
    std::string head;
    if (!reader.ReadHead(&head)) return;
    const std::string line = head.substr(0, head.find("\r\n"));
    const size_t length = content_length(head);
    std::string body;
    if (length > 0 && !reader.ReadExact(length, &body)) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    }
    ++requests_;
    const std::string method = line.substr(0, line.find(' '));
    const std::string path = line.substr(method.size() + 1, line.rfind(' ') - method.size() - 1);
    std::string response;
    if (path == "/chunked") {
      response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nok:\r\n8\r\n/chunked\r\n0\r\n\r\n";
    } else if (path == "/empty") {
      response = "HTTP/1.1 204 No Content\r\n\r\n";
    } else {
      const std::string payload = "ok:" + path;
      response = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(payload.size()) + "\r\n\r\n";
      if (method != "HEAD") response += payload;
    }
    if (!send_all(fd, response)) return;
  }
}

}  // namespace sp::proxy::test
