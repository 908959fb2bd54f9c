#include "echo_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <stdexcept>
#include <string>

namespace sp::proxy::test {
namespace {

struct Peer {
  std::string out;
  bool eof = false;
};

}  // namespace

EchoServer::EchoServer() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 4096) != 0) {
    throw std::runtime_error("echo server: cannot listen");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.fd = stop_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, stop_fd_, &ev);
  thread_ = std::thread([this] { Run(); });
}

EchoServer::~EchoServer() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(stop_fd_, &one, sizeof one);
  thread_.join();
  close(listen_fd_);
  close(epoll_fd_);
  close(stop_fd_);
}

void EchoServer::Run() {
  std::map<int, Peer> peers;
  epoll_event events[128];
  char buf[64 * 1024];
  for (;;) {
    const int n = epoll_wait(epoll_fd_, events, 128, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == stop_fd_) {
        for (auto& [pfd, peer] : peers) close(pfd);
        return;
      }
      if (fd == listen_fd_) {
        for (;;) {
          const int c = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0) break;
          ++accepted_;
          peers[c];
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.fd = c;
          epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c, &ev);
        }
        continue;
      }
      Peer& peer = peers[fd];
      bool dead = false;
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        for (;;) {
          const ssize_t r = recv(fd, buf, sizeof buf, 0);
          if (r > 0) {
            peer.out.append(buf, static_cast<size_t>(r));
            if (peer.out.size() > (1u << 20)) break;  // let the writes catch up
            continue;
          }
          if (r == 0) peer.eof = true;
          if (r < 0 && errno != EAGAIN) dead = true;
          break;
        }
      }
      while (!dead && !peer.out.empty()) {
        const ssize_t w = send(fd, peer.out.data(), peer.out.size(), MSG_NOSIGNAL);
        if (w > 0) {
          peer.out.erase(0, static_cast<size_t>(w));
        } else {
          dead = w < 0 && errno != EAGAIN;
          break;
        }
      }
      if (dead || (peer.eof && peer.out.empty())) {
        close(fd);
        peers.erase(fd);
        continue;
      }
      epoll_event ev{};
      ev.events = (peer.eof ? 0u : static_cast<uint32_t>(EPOLLIN)) | (peer.out.empty() ? 0u : static_cast<uint32_t>(EPOLLOUT));
      ev.data.fd = fd;
      epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
    }
  }
}

}  // namespace sp::proxy::test
