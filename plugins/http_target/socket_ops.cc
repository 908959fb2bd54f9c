#include "plugins/http_target/socket_ops.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sp::http {

int open_tcp_socket(int family, int* err_no) {
  const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    *err_no = errno;
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

sp_error_kind connect_error_kind(int err_no) {
  switch (err_no) {
    case ECONNREFUSED:
      return SP_E_CONNECT_REFUSED;
    case ETIMEDOUT:
      return SP_E_CONNECT_TIMEOUT;
    case ECONNRESET:
      return SP_E_RESET;
    default:
      return SP_E_OTHER;  // unreachable network, no local port left, ...: `detail` says which
  }
}

sp_error_kind io_error_kind(int err_no) {
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

const char* errno_text(int err_no) {
  const char* text = strerrordesc_np(err_no);
  return text != nullptr ? text : "unknown error";
}

}  // namespace sp::http
