#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "fake_host.h"

namespace sp::proxy::test {

int ConnectTo(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

ReadResult ReadSome(int fd, size_t want, int timeout_ms) {
  ReadResult r;
  const uint64_t until = NowNs() + static_cast<uint64_t>(timeout_ms) * kMs;
  char buf[64 * 1024];
  while (want == 0 || r.data.size() < want) {
    const uint64_t now = NowNs();
    if (now >= until) {
      r.timed_out = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>((until - now) / kMs) + 1) <= 0) continue;
    const ssize_t n = recv(fd, buf, want == 0 ? sizeof buf : std::min(sizeof buf, want - r.data.size()), 0);
    if (n > 0) {
      r.data.append(buf, static_cast<size_t>(n));
      ++r.reads;
    } else if (n == 0) {
      r.eof = true;
      break;
    } else if (errno != EINTR) {
      r.error = errno;
      break;
    }
  }
  return r;
}

bool Reader::Fill() {
  const ReadResult r = ReadSome(fd_, 1, timeout_ms_);
  if (r.data.empty()) return false;
  buf_ += r.data;
  // Take whatever else is already there without waiting.
  char more[16 * 1024];
  const ssize_t n = recv(fd_, more, sizeof more, MSG_DONTWAIT);
  if (n > 0) buf_.append(more, static_cast<size_t>(n));
  return true;
}

bool Reader::ReadHead(std::string* head) {
  size_t end;
  while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) return false;
  }
  *head = buf_.substr(0, end + 4);
  buf_.erase(0, end + 4);
  return true;
}

bool Reader::ReadExact(size_t n, std::string* out) {
  while (buf_.size() < n) {
    if (!Fill()) return false;
  }
  *out = buf_.substr(0, n);
  buf_.erase(0, n);
  return true;
}

bool Reader::ReadLine(std::string* line) {
  size_t end;
  while ((end = buf_.find("\r\n")) == std::string::npos) {
    if (!Fill()) return false;
  }
  *line = buf_.substr(0, end);
  buf_.erase(0, end + 2);
  return true;
}

bool HttpExchange(int fd, Reader& reader, const std::string& request, HttpResponse* response,
                  bool head_request) {
  if (!send_all(fd, request)) return false;
  *response = HttpResponse{};
  if (!reader.ReadHead(&response->head)) return false;
  response->status = std::stoi(response->head.substr(9, 3));
  if (head_request || response->status == 204 || response->status == 304) return true;
  std::string lower(response->head);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.find("transfer-encoding: chunked") == std::string::npos) {
    return reader.ReadExact(content_length(response->head), &response->body);
  }
  for (;;) {
    std::string size_line, chunk, crlf;
    if (!reader.ReadLine(&size_line)) return false;
    const size_t size = std::stoul(size_line, nullptr, 16);
    if (size == 0) return reader.ReadLine(&crlf);  // no trailers from our servers
    if (!reader.ReadExact(size, &chunk) || !reader.ReadLine(&crlf)) return false;
    response->body += chunk;
  }
}

}  // namespace sp::proxy::test
