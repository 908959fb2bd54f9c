// Socket plumbing the engine repeats: opening a non-blocking TCP socket, and turning an errno
// into the ABI's error kinds and a short text.
#pragma once

#include "stressplan/target.h"

namespace sp::http {

// A non-blocking, close-on-exec TCP socket with TCP_NODELAY, or -1 with *err_no set.
int OpenTcpSocket(int family, int* err_no);

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
