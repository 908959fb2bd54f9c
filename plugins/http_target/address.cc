#include "plugins/http_target/address.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "lib/net/resolve.h"
#include "plugins/http_target/socket_ops.h"

namespace sp::http {

bool Resolve(const std::string& host, uint16_t port, std::vector<Address>* out, std::string* err) {
  std::vector<net::Address> found;
  if (!net::Resolve(host, port, &found, err)) return false;
  out->clear();
  for (const net::Address& f : found) {
    Address a;
    a.storage = f.storage;
    a.len = f.length;
    a.family = f.family();
    a.text = f.ToString();
    out->push_back(std::move(a));
  }
  return true;
}

bool ProbeConnect(const Address& address, uint64_t timeout_ns, int* err_no) {
  const int fd = OpenTcpSocket(address.family, err_no);
  if (fd < 0) return false;
  int err = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.len) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      const int ms = static_cast<int>((timeout_ns + 999'999) / 1'000'000);
      int n;
      do {
        n = ::poll(&p, 1, ms);
      } while (n < 0 && errno == EINTR);
      if (n == 0) {
        err = ETIMEDOUT;
      } else {
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
  }
  close(fd);
  *err_no = err;
  return err == 0;
}

}  // namespace sp::http
