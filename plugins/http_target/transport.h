// A connection's socket I/O, plain or TLS: what the worker calls instead of recv(2)/send(2).
// Both keep the socket calls' conventions (bytes, 0 for EOF, -1 with errno; EAGAIN to wait), so
// the worker's loop is the same for http:// and https://; a TLS failure is -1 with EPROTO and
// c->tls->Failed() set.
#pragma once

#include <sys/socket.h>

#include "plugins/http_target/connection.h"

namespace sp::http {

inline ssize_t TransportRecv(Connection* c, char* buf, size_t len) {
  return c->TlsActive() ? c->tls->Recv(buf, len) : ::recv(c->fd, buf, len, 0);
}

inline ssize_t TransportSend(Connection* c, const char* data, size_t len) {
  return c->TlsActive() ? c->tls->Send(data, len) : ::send(c->fd, data, len, MSG_NOSIGNAL);
}

// A read would return at once (TLS found EOF or an error behind data it already returned), so
// the reader must not wait for epoll, which knows nothing of it.
inline bool TransportHasMore(const Connection* c) {
  return c->tls != nullptr && c->tls->HasBufferedResult();
}

}  // namespace sp::http
