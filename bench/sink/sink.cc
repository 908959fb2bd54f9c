// stressplan-bench-sink: the loopback HTTP/1.1 server of bench/run.sh's sink cases
// (docs/benchmarks.md, "The sink"), a ceiling for the generators that is not nginx.
//
//   stressplan-bench-sink PORT     listens on 127.0.0.1:PORT (0: a free port); prints the port
//
// One thread, one level-triggered epoll loop. Every readable wake-up accepts all pending
// connections (non-blocking) or does one read(2) of a connection; every complete request head
// in it (up to "\r\n\r\n", several pipelined heads included) gets the same fixed keep-alive
// response, and the responses of one read go out in one write(2). `GET /sink_status` answers
// the number of fixed responses sent and of connections open, so bench/run.sh can cross-check a
// tool's count as it does with nginx's stub_status.
//
// It is not an HTTP server: it looks at nothing but the head's end, the status path and whether
// a body is announced. A request with a body (Content-Length other than 0, or Transfer-Encoding)
// gets a 400 and the connection is closed, as is one whose head is longer than 8 KiB. It never
// closes a connection on its own otherwise (Connection: close is ignored; clients close).
// SIGINT or SIGTERM ends the loop; it prints the final count and exits 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr char kResponse[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";
constexpr char kBadRequest[] =
    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
constexpr char kStatusLine[] = "GET /sink_status ";
constexpr size_t kMaxHead = 8 * 1024;
constexpr size_t kReadSize = 64 * 1024;
constexpr int kMaxEvents = 256;

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

struct Conn {
  bool open = false;
  std::string in;   // bytes of a request head not complete yet
  std::string out;  // responses the last write could not send
  size_t out_sent = 0;
};

// True when a head (request line and fields, without the blank line) announces a body.
bool HasBody(const char* head, size_t len) {
  size_t pos = 0;
  while (pos < len) {
    const char* eol = static_cast<const char*>(memchr(head + pos, '\n', len - pos));
    size_t end = eol ? static_cast<size_t>(eol - head) : len;
    const char* line = head + pos;
    size_t n = end - pos;
    if (n >= 18 && strncasecmp(line, "transfer-encoding:", 18) == 0) return true;
    if (n >= 15 && strncasecmp(line, "content-length:", 15) == 0) {
      size_t i = 15;
      while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
      while (i < n && line[i] == '0') ++i;
      if (i < n && line[i] >= '1' && line[i] <= '9') return true;
    }
    pos = end + 1;
  }
  return false;
}

class Sink {
 public:
  bool Listen(uint16_t port, std::string* err);
  uint16_t port() const { return port_; }
  int Run();
  uint64_t requests() const { return requests_; }

 private:
  void AcceptAll();
  void OnReadable(int fd);
  void OnWritable(int fd);
  // Answers every complete head in c.in; false when the connection must close.
  bool Answer(Conn& c);
  void AppendStatus(std::string* out) const;
  // Sends what c.out holds; switches the connection to EPOLLOUT if the socket is full.
  bool Flush(int fd, Conn& c);
  bool Watch(int fd, uint32_t events);
  void Close(int fd);

  int listen_fd_ = -1;
  int epfd_ = -1;
  uint16_t port_ = 0;
  uint64_t requests_ = 0;  // fixed responses sent (status requests not included)
  uint64_t open_ = 0;
  std::vector<Conn> conns_;  // by file descriptor
  std::vector<char> buf_ = std::vector<char>(kReadSize);
};

bool Sink::Listen(uint16_t port, std::string* err) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof a;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      listen(listen_fd_, 4096) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &alen) != 0) {
    *err = std::string("127.0.0.1:") + std::to_string(port) + ": " + strerror(errno);
    return false;
  }
  port_ = ntohs(a.sin_port);
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  if (epfd_ < 0 || epoll_ctl(epfd_, EPOLL_CTL_ADD, listen_fd_, &ev) != 0) {
    *err = std::string("epoll: ") + strerror(errno);
    return false;
  }
  return true;
}

int Sink::Run() {
  epoll_event events[kMaxEvents];
  while (!g_stop) {
    int n = epoll_wait(epfd_, events, kMaxEvents, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("stressplan-bench-sink: epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listen_fd_) {
        AcceptAll();
      } else if (events[i].events & EPOLLOUT) {
        OnWritable(fd);
      } else {
        OnReadable(fd);  // EPOLLIN, EPOLLHUP, EPOLLERR: the read says which
      }
    }
  }
  for (size_t fd = 0; fd < conns_.size(); ++fd) {
    if (conns_[fd].open) close(static_cast<int>(fd));
  }
  close(epfd_);
  close(listen_fd_);
  return 0;
}

void Sink::AcceptAll() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // EAGAIN: none left. EMFILE and the like: the pending ones wait for the next wake-up.
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
        perror("stressplan-bench-sink: accept4");
      }
      if (errno == ECONNABORTED || errno == EINTR) continue;
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (static_cast<size_t>(fd) >= conns_.size()) conns_.resize(fd + 1024);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      continue;
    }
    conns_[fd].open = true;
    ++open_;
  }
}

void Sink::OnReadable(int fd) {
  Conn& c = conns_[fd];
  if (!c.open) return;  // closed earlier in the same batch of events
  ssize_t n = read(fd, buf_.data(), buf_.size());
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {  // the client closed, or reset
    Close(fd);
    return;
  }
  c.in.append(buf_.data(), static_cast<size_t>(n));
  if (!Answer(c)) {  // the answers to the heads before the bad one, then the 400 (best effort)
    c.out.append(kBadRequest, sizeof kBadRequest - 1);
    Flush(fd, c);
    Close(fd);
    return;
  }
  if (!Flush(fd, c)) Close(fd);
}

bool Sink::Answer(Conn& c) {
  size_t start = 0;
  for (;;) {
    const void* end = memmem(c.in.data() + start, c.in.size() - start, "\r\n\r\n", 4);
    if (!end) break;
    size_t head_len = static_cast<size_t>(static_cast<const char*>(end) - c.in.data()) - start;
    const char* head = c.in.data() + start;
    if (HasBody(head, head_len)) return false;
    if (head_len >= sizeof kStatusLine - 1 &&
        memcmp(head, kStatusLine, sizeof kStatusLine - 1) == 0) {
      AppendStatus(&c.out);
    } else {
      c.out.append(kResponse, sizeof kResponse - 1);
      ++requests_;
    }
    start += head_len + 4;
  }
  c.in.erase(0, start);
  return c.in.size() <= kMaxHead;
}

void Sink::AppendStatus(std::string* out) const {
  std::string body =
      "requests " + std::to_string(requests_) + "\nconnections " + std::to_string(open_) + "\n";
  *out += "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\nContent-Type: text/plain\r\n\r\n" + body;
}

bool Sink::Flush(int fd, Conn& c) {
  if (c.out_sent == c.out.size()) return true;
  ssize_t n = write(fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent);
  if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
  if (n > 0) c.out_sent += static_cast<size_t>(n);
  if (c.out_sent < c.out.size()) return Watch(fd, EPOLLOUT);  // no reading until it is out
  c.out.clear();
  c.out_sent = 0;
  return true;
}

void Sink::OnWritable(int fd) {
  // Only connections waiting with a full socket are watched for EPOLLOUT: once all is out, the
  // connection is read again (what the client sent meanwhile waits in its socket).
  Conn& c = conns_[fd];
  if (!c.open) return;
  if (!Flush(fd, c) || (c.out.empty() && !Watch(fd, EPOLLIN))) Close(fd);
}

bool Sink::Watch(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  return epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void Sink::Close(int fd) {
  Conn& c = conns_[fd];
  close(fd);  // also removes it from the epoll set
  c.open = false;
  c.in.clear();
  c.out.clear();
  c.out_sent = 0;
  --open_;
}

}  // namespace

int main(int argc, char** argv) {
  char* end = nullptr;
  long port = argc == 2 ? strtol(argv[1], &end, 10) : -1;
  if (argc != 2 || end == argv[1] || *end != '\0' || port < 0 || port > 65535) {
    fprintf(stderr, "usage: stressplan-bench-sink PORT   (listens on 127.0.0.1:PORT; 0: any)\n");
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = OnSignal;  // no SA_RESTART: epoll_wait returns EINTR and the loop ends
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Sink sink;
  std::string err;
  if (!sink.Listen(static_cast<uint16_t>(port), &err)) {
    fprintf(stderr, "stressplan-bench-sink: %s\n", err.c_str());
    return 1;
  }
  printf("%u\n", sink.port());
  fflush(stdout);
  int rc = sink.Run();
  printf("requests %llu\n", static_cast<unsigned long long>(sink.requests()));
  return rc;
}
