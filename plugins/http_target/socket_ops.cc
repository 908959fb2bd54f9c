#include "plugins/http_target/socket_ops.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sp::http {

int OpenTcpSocket(int family, int* err_no) {
  const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    *err_no = errno;
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool IsLocalLimit(int err_no) {
  switch (err_no) {
    case EMFILE:
    case ENFILE:
    case EADDRNOTAVAIL:
    case ENOBUFS:
    case ENOMEM:
      return true;
    default:
      return false;
  }
}

sp_error_kind SocketErrorKind(int err_no) {
  return IsLocalLimit(err_no) ? SP_E_LOCAL_LIMIT : SP_E_OTHER;
}

bool InFdReserve(int fd, long long* limit) {
  rlimit l{};
  // Read each time: the limit is per process and may change while the run goes on.
  if (getrlimit(RLIMIT_NOFILE, &l) != 0 || l.rlim_cur == RLIM_INFINITY) {
    *limit = -1;
    return false;
  }
  *limit = static_cast<long long>(l.rlim_cur);
  return static_cast<long long>(fd) >= *limit - kReservedFds;
}

sp_error_kind ConnectErrorKind(int err_no) {
  if (IsLocalLimit(err_no)) return SP_E_LOCAL_LIMIT;  // e.g. no local port left
  switch (err_no) {
    case ECONNREFUSED:
      return SP_E_CONNECT_REFUSED;
    case ETIMEDOUT:
      return SP_E_CONNECT_TIMEOUT;
    case ECONNRESET:
      return SP_E_RESET;
    default:
      return SP_E_OTHER;  // unreachable network, ...: `detail` says which
  }
}

sp_error_kind IoErrorKind(int err_no) {
  if (IsLocalLimit(err_no)) return SP_E_LOCAL_LIMIT;  // ENOBUFS/ENOMEM on send
  switch (err_no) {
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
    case ETIMEDOUT:
      return SP_E_RESET;
    default:
      return SP_E_OTHER;
  }
}

const char* ErrnoText(int err_no) {
  const char* text = strerrordesc_np(err_no);
  return text != nullptr ? text : "unknown error";
}

}  // namespace sp::http
