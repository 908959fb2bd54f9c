// The worker's part of https://: the TLS handshake as the last step of connecting. It runs while
// the connection is in the connecting list, so connect_timeout bounds TCP connect + handshake
// together and connect_ns includes the handshake; the handshake waits for the socket through
// the same epoll set (EPOLLIN or EPOLLOUT, as OpenSSL asks) and dispatch brings every event
// back to OnConnectReady, which calls ConnectTls again.
#include <sys/epoll.h>

#include "plugins/http_target/tls_context.h"
#include "plugins/http_target/worker.h"

namespace sp::http {

bool Worker::ConnectTls(Connection* c) {
  const TlsContext* tls = instance_.tls();
  if (tls == nullptr) return true;  // http://
  if (!c->tls) c->tls = std::make_unique<TlsSession>();
  switch (c->tls->Handshake(*tls, c->fd, &tls_sessions_)) {
    case TlsSession::Step::kDone:
      return true;
    case TlsSession::Step::kWantRead: Watch(c, EPOLLIN); return false;
    case TlsSession::Step::kWantWrite: Watch(c, EPOLLOUT); return false;
    case TlsSession::Step::kFailed:
      break;
  }
  // Not another address: a TLS failure is the server's configuration (or ours), the same on
  // every address of the host.
  Fail(c, c->tls->ErrorKind(), "%s", c->tls->error());
  return false;
}

}  // namespace sp::http
