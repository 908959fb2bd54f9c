// Host names to TCP socket addresses: the one getaddrinfo call of the core and the plugins, and
// a lookup bounded by a deadline for callers that promise one (the chaos probes).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lib/net/address.h"

namespace sp::net {

// Every TCP address (IPv4 and IPv6) of host:port, in the resolver's order. An IP literal is
// converted without the resolver; a name under "invalid" fails at once (RFC 6761 §6.4: glibc
// would ask the DNS server anyway and wait its whole timeout on a host without one). No
// AI_ADDRCONFIG: it hides localhost on loopback-only hosts. False with *err the resolver's
// sentence ("Name or service not known", "Temporary failure in name resolution", ...).
// Blocking: getaddrinfo waits as long as the system's resolver configuration says.
bool Resolve(const std::string& host, uint16_t port, std::vector<Address>* out, std::string* err);

// Resolve, or a test's stand-in for it.
using Resolver = std::function<bool(const std::string& host, uint16_t port,
                                    std::vector<Address>* out, std::string* err)>;

enum class ResolveStatus { kResolved, kFailed, kTimedOut };

// Resolve, returning after `timeout` at the latest (kTimedOut, *err "no answer from the DNS
// resolver within the timeout"). An IP literal is answered here; a name is looked up on a
// thread of its own, which this waits for until the deadline. A lookup that outlives its
// deadline is abandoned, not cancelled: its thread ends when the resolver gives up (glibc:
// `options timeout/attempts` of resolv.conf) and drops the answer.
//
// Why a thread and not getaddrinfo_a: glibc's asynchronous lookup also runs on a thread of its
// own, but an abandoned request must then still be waited for (gai_cancel cannot stop one that
// started) before its gaicb may be freed; with a thread of our own the answer's memory belongs
// to a shared state the thread frees, and `resolver` can be a test's seam.
ResolveStatus ResolveWithin(const std::string& host, uint16_t port,
                            std::chrono::nanoseconds timeout, std::vector<Address>* out,
                            std::string* err, const Resolver& resolver = Resolve);

}  // namespace sp::net
