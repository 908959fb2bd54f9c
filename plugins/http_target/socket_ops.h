// Socket plumbing the engine repeats: opening a non-blocking TCP socket (bound to a local
// address when the target lists some), and turning an errno into the ABI's error kinds and a
// short text.
#pragma once

#include <cstdint>

#include "plugins/http_target/address.h"
#include "plugins/http_target/local_addresses.h"
#include "stressplan/target.h"

namespace sp::http {

// A non-blocking, close-on-exec TCP socket with TCP_NODELAY, or -1 with *err_no set.
int OpenTcpSocket(int family, int* err_no);

// Why OpenConnectSocket gave no socket: the error kind and detail of the request's result.
struct SocketFailure {
  sp_error_kind kind = SP_E_NONE;
  // local_addresses lists no address of the destination's family: another resolved address of
  // the host may still do (a connect failure, not the request's end).
  bool try_next_address = false;
  char detail[192] = {};
};

// The socket of a new connection of user `vu` to `to`, not connected yet: OpenTcpSocket, the
// descriptor reserve checked (InFdReserve: local_limit), and with local_addresses the bind to the
// user's address (LocalAddresses::Pick) with IP_BIND_ADDRESS_NO_PORT and port 0, so that connect
// picks the port for the whole 4-tuple: each (source, destination) pair has an ephemeral port
// range of its own. A failed bind (EADDRNOTAVAIL: not an address of this host) is
// ConnectErrorKind's, its detail naming the local address. -1 with *failure on failure. HTTP/1.1
// (worker.cc) and HTTP/2 (h2_pool_io.cc) open every connection through it.
int OpenConnectSocket(const Address& to, const LocalAddresses& from, uint32_t vu,
                      SocketFailure* failure);

// The error kind of a failed socket() or epoll_ctl(): local_limit when the generator's own
// machine ran out of descriptors, ports or buffers (IsLocalLimit), else other.
sp_error_kind SocketErrorKind(int err_no);

// EMFILE, ENFILE, EADDRNOTAVAIL, ENOBUFS, ENOMEM: the generator hit a limit of its own machine.
bool IsLocalLimit(int err_no);

// The error kind of a failed connect().
sp_error_kind ConnectErrorKind(int err_no);

// The error kind of a failed send()/recv() on an established connection.
sp_error_kind IoErrorKind(int err_no);

// Descriptors kept free below the open-files limit (RLIMIT_NOFILE) for stressplan itself: its
// reports, journal and logs must still open when the load has used every other one.
constexpr int kReservedFds = 32;

// Whether descriptor `fd` eats into that reserve: fds come lowest-free first, so every one below
// it is in use and fewer than kReservedFds remain above. *limit gets the soft limit (-1: none).
bool InFdReserve(int fd, long long* limit);

// strerror's text without locale or buffer ("Connection refused").
const char* ErrnoText(int err_no);

}  // namespace sp::http
