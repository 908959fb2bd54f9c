// Resolving the base URL's host (lib/net, once) and the blocking connect preflight uses.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sp::http {

struct Address {
  sockaddr_storage storage{};
  socklen_t len = 0;
  int family = 0;
  std::string text;  // "127.0.0.1:8080", "[::1]:8080"
};

// Every TCP address of host:port, in the resolver's order (net::Resolve). On failure *err is
// the resolver's text.
bool Resolve(const std::string& host, uint16_t port, std::vector<Address>* out, std::string* err);

// Connects and closes at once, waiting at most timeout_ns. On failure *err_no is the errno
// (ETIMEDOUT when the timeout passed).
bool ProbeConnect(const Address& address, uint64_t timeout_ns, int* err_no);

}  // namespace sp::http
