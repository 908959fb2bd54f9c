#include "plugins/http_target/address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "lib/http1/syntax.h"
#include "plugins/http_target/socket_ops.h"

namespace sp::http {
namespace {

std::string address_text(const sockaddr* sa) {
  char ip[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
    return "[" + std::string(ip) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  const auto* in4 = reinterpret_cast<const sockaddr_in*>(sa);
  inet_ntop(AF_INET, &in4->sin_addr, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(ntohs(in4->sin_port));
}

}  // namespace

bool resolve(const std::string& host, uint16_t port, std::vector<Address>* out, std::string* err) {
  // RFC 6761 §6.4: names under "invalid" never resolve, and resolvers should say so at once.
  // glibc asks the DNS server anyway, which can take its full timeout on a host without one.
  std::string_view name(host);
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.size() >= 7 && http1::IEquals(name.substr(name.size() - 7), "invalid") &&
      (name.size() == 7 || name[name.size() - 8] == '.')) {
    *err = gai_strerror(EAI_NONAME);
    return false;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_NUMERICSERV;  // no AI_ADDRCONFIG: it hides localhost on loopback-only hosts
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
  if (rc != 0) {
    *err = rc == EAI_SYSTEM ? std::string(errno_text(errno)) : std::string(gai_strerror(rc));
    return false;
  }
  out->clear();
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    Address a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.len = ai->ai_addrlen;
    a.family = ai->ai_family;
    a.text = address_text(ai->ai_addr);
    out->push_back(std::move(a));
  }
  freeaddrinfo(list);
  if (out->empty()) {
    *err = "no IPv4 or IPv6 address";
    return false;
  }
  return true;
}

bool probe_connect(const Address& address, uint64_t timeout_ns, int* err_no) {
  const int fd = open_tcp_socket(address.family, err_no);
  if (fd < 0) return false;
  int err = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.len) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      const int ms = static_cast<int>((timeout_ns + 999'999) / 1'000'000);
      int n;
      do {
        n = ::poll(&p, 1, ms);
      } while (n < 0 && errno == EINTR);
      if (n == 0) {
        err = ETIMEDOUT;
      } else {
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
  }
  close(fd);
  *err_no = err;
  return err == 0;
}

}  // namespace sp::http
