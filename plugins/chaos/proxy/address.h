// "host:port" as the plan writes it, resolved once to a socket address, and the listening
// socket bound to one.
#pragma once

#include <string>
#include <string_view>

#include "lib/net/address.h"

namespace sp::proxy {

// lib/net's address: "127.0.0.1:18091" by ToString(), is_loopback() for the listener check.
using Address = net::Address;

// Parses "host:port" or "[v6]:port" and resolves host (a literal or a name, first answer).
// Host "*" means every IPv4 interface, like 0.0.0.0 (docs/faults/proxy.md).
// allow_port_zero: a listener may ask the kernel for a port, an upstream may not.
// False with *why (one sentence) when the text or the name is not usable.
bool ResolveAddress(std::string_view text, bool allow_port_zero, Address* out, std::string* why);

// A non-blocking, close-on-exec listening socket on `at` (SO_REUSEADDR, so a listener closed
// by the refuse toxic can listen on the same address again at once). Returns the fd and fills
// *bound with the address actually bound (the kernel's port for port 0), or -1 with *why.
int ListenOn(const Address& at, Address* bound, std::string* why);

}  // namespace sp::proxy
