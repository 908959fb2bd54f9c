// Socket plumbing the engine repeats: opening a non-blocking TCP socket, and turning an errno
// into the ABI's error kinds and a short text.
#pragma once

#include "stressplan/target.h"

namespace sp::http {

// A non-blocking, close-on-exec TCP socket with TCP_NODELAY, or -1 with *err_no set.
int open_tcp_socket(int family, int* err_no);

// The error kind of a failed connect().
sp_error_kind connect_error_kind(int err_no);

// The error kind of a failed send()/recv() on an established connection.
sp_error_kind io_error_kind(int err_no);

// strerror's text without locale or buffer ("Connection refused").
const char* errno_text(int err_no);

}  // namespace sp::http
