// A TCP socket address and "host:port" as plans write it (the fault proxy's listen/upstream,
// the HTTP target's base URL host, the chaos probes' URLs all end up here).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace sp::net {

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage); }
  uint16_t port() const;
  // 127.0.0.0/8, ::1, or an IPv4-mapped 127.x: only this machine can connect to it.
  bool is_loopback() const;
  // "127.0.0.1:18091" / "[::1]:18091".
  std::string ToString() const;
};

// An IPv4 or IPv6 literal ("127.0.0.1", "::1"; no brackets) as an address, without a resolver:
// false when `host` is not one.
bool ParseNumericHost(const std::string& host, uint16_t port, Address* out);

// Splits "host:port" or "[v6]:port" (brackets removed). False with *why, one sentence naming
// the text: "\"x\" is not host:port (e.g. 127.0.0.1:18091)", "the port of \"h:p\" is not a
// number from 0 to 65535", "... must not be 0" (unless allow_port_zero), "... is over 65535".
bool SplitHostPort(std::string_view text, bool allow_port_zero, std::string* host, uint16_t* port,
                   std::string* why);

}  // namespace sp::net
