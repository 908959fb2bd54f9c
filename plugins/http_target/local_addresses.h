// The local_addresses target option: the source addresses the target's connections bind to, so
// that one run holds more connections to one host:port than one ephemeral port range allows
// (k6's --local-ips, Gatling's localAddresses). A user's new connections bind to the user's own
// address: of the listed addresses of the destination's family, the (vu % count)-th, so users
// are dealt round-robin and each keeps its address. socket_ops.h does the bind.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "plugins/http_target/option_error.h"
#include "stressplan/plugin.h"

namespace sp::http {

struct LocalAddress {
  sockaddr_storage storage{};  // port 0
  socklen_t len = 0;
  std::string text;  // as listed: "127.0.0.2", "::1"
};

class LocalAddresses {
 public:
  // The option is unset: connections take the source address the kernel chooses.
  bool empty() const { return v4_.empty() && v6_.empty(); }
  // What a connection of user `vu` to a destination of `family` binds to: true with *out
  // nullptr when the option is unset, false when it lists no address of that family.
  bool Pick(int family, uint32_t vu, const LocalAddress** out) const;
  // The listed addresses of `family` (AF_INET, AF_INET6), in the option's order.
  const std::vector<LocalAddress>& Of(int family) const { return family == AF_INET6 ? v6_ : v4_; }
  void Add(LocalAddress a, int family) { (family == AF_INET6 ? v6_ : v4_).push_back(std::move(a)); }

 private:
  std::vector<LocalAddress> v4_;
  std::vector<LocalAddress> v6_;
};

// Reads local_addresses: a non-empty list of distinct IPv4 or IPv6 literals (no names, no
// ports). `connect_host` is where connections go (base_url's host, or what `resolve` maps it
// to): when it is an IP literal, the list must have an address of its family.
bool ReadLocalAddresses(const sp_options* options, const std::string& connect_host,
                        LocalAddresses* out, OptionError* err);

}  // namespace sp::http
