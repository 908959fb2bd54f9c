#include "plugins/chaos/proxy/address.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "lib/net/resolve.h"

namespace sp::proxy {

bool ResolveAddress(std::string_view text, bool allow_port_zero, Address* out, std::string* why) {
  std::string host;
  uint16_t port = 0;
  if (!net::SplitHostPort(text, allow_port_zero, &host, &port, why)) return false;
  if (host == "*") host = "0.0.0.0";
  std::vector<Address> found;
  std::string err;
  if (!net::Resolve(host, port, &found, &err)) {
    *why = "cannot resolve the host of \"" + std::string(text) + "\": " + err;
    return false;
  }
  *out = found.front();
  return true;
}

int ListenOn(const Address& at, Address* bound, std::string* why) {
  const int fd = socket(at.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *why = std::string("cannot create a socket: ") + std::strerror(errno);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&at.storage), at.length) != 0 ||
      listen(fd, 1024) != 0) {
    const int e = errno;
    close(fd);
    *why = "cannot listen on " + at.ToString() + ": " + std::strerror(e) +
           (e == EADDRINUSE ? " (another process uses this port; pick another or use port 0)" : "");
    return -1;
  }
  *bound = at;
  bound->length = sizeof bound->storage;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound->storage), &bound->length);
  return fd;
}

}  // namespace sp::proxy
