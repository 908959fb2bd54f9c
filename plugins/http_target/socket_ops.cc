#include "plugins/http_target/socket_ops.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace sp::http {
namespace {

int Failed(SocketFailure* failure, sp_error_kind kind, const char* format, ...)
    __attribute__((format(printf, 3, 4)));

int Failed(SocketFailure* failure, sp_error_kind kind, const char* format, ...) {
  failure->kind = kind;
  va_list args;
  va_start(args, format);
  std::vsnprintf(failure->detail, sizeof failure->detail, format, args);
  va_end(args);
  return -1;
}

// IP_BIND_ADDRESS_NO_PORT, then bind(local, port 0): the port is chosen at connect, per 4-tuple.
bool BindLocal(int fd, const LocalAddress& local, int* err_no) {
  const int one = 1;
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&local.storage), local.len) == 0) return true;
  *err_no = errno;
  return false;
}

}  // namespace

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

int OpenConnectSocket(const Address& to, const LocalAddresses& from, uint32_t vu,
                      SocketFailure* failure) {
  const LocalAddress* local = nullptr;
  if (!from.Pick(to.family, vu, &local)) {
    failure->try_next_address = true;
    return Failed(failure, SP_E_OTHER,
                  "connect: local_addresses has no %s address to connect to %s",
                  to.family == AF_INET6 ? "IPv6" : "IPv4", to.text.c_str());
  }
  int err_no = 0;
  const int fd = OpenTcpSocket(to.family, &err_no);
  if (fd < 0) return Failed(failure, SocketErrorKind(err_no), "socket: %s", ErrnoText(err_no));
  if (long long limit = -1; InFdReserve(fd, &limit)) {
    close(fd);
    return Failed(failure, SP_E_LOCAL_LIMIT,
                  "socket: fewer than %d of the %lld file descriptors (RLIMIT_NOFILE) left; they "
                  "are kept for stressplan's reports and journal (raise ulimit -n)",
                  kReservedFds, limit);
  }
  if (local != nullptr && !BindLocal(fd, *local, &err_no)) {
    close(fd);
    return Failed(failure, ConnectErrorKind(err_no),
                  "connect: bind to local address %s (local_addresses): %s", local->text.c_str(),
                  ErrnoText(err_no));
  }
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
