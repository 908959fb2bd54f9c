#include "lib/net/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace sp::net {

uint16_t Address::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(storage).sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(storage).sin6_port);
  return 0;
}

bool Address::is_loopback() const {
  if (family() == AF_INET) {
    return (ntohl(reinterpret_cast<const sockaddr_in&>(storage).sin_addr.s_addr) >> 24) == 127;
  }
  if (family() == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6&>(storage).sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(&a) || (IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127);
  }
  return false;
}

std::string Address::ToString() const {
  char host[INET6_ADDRSTRLEN] = "?";
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(storage).sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(port());
  }
  if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(storage).sin6_addr, host,
              sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(port());
  }
  return "?";
}

bool ParseNumericHost(const std::string& host, uint16_t port, Address* out) {
  *out = Address();
  auto* in4 = reinterpret_cast<sockaddr_in*>(&out->storage);
  if (inet_pton(AF_INET, host.c_str(), &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
    out->length = sizeof(sockaddr_in);
    return true;
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out->storage);
  if (inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    out->length = sizeof(sockaddr_in6);
    return true;
  }
  *out = Address();
  return false;
}

bool SplitHostPort(std::string_view text, bool allow_port_zero, std::string* host, uint16_t* port,
                   std::string* why) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    *why = quoted + " is not host:port (e.g. 127.0.0.1:18091)";
    return false;
  }
  std::string name(text.substr(0, colon));
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  unsigned long number = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || number > 65535) {
      *why = "the port of " + quoted + " is not a number from 0 to 65535";
      return false;
    }
    number = number * 10 + static_cast<unsigned long>(c - '0');
  }
  if (number > 65535 || (number == 0 && !allow_port_zero)) {
    *why = "the port of " + quoted + (number == 0 ? " must not be 0" : " is over 65535");
    return false;
  }
  *host = std::move(name);
  *port = static_cast<uint16_t>(number);
  return true;
}

}  // namespace sp::net
