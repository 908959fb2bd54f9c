// bench/floor/floor.cc - the floor under a keep-alive HTTP/1.1 load generator (issue 14, part 2):
// what one thread spends per request when it does nothing but the I/O. N connections each send
// a fixed `GET /hello` and read the response (framed by its Content-Length, nothing else
// parsed); no histogram, no clock per request, no scenario. Two ways to drive the sockets:
//
//   epoll  non-blocking sockets, one send and one recv per request, epoll_wait for readiness
//          (the pattern of stressplan's HTTP target and of wrk, minus their bookkeeping)
//   uring  io_uring (liburing): each request is a send and a recv submitted as SQEs, their
//          completions reaped in batches, so one io_uring_enter serves many requests; with
//          SINGLE_ISSUER + DEFER_TASKRUN when the kernel has them
//
// It is a measuring instrument, not part of stressplan: bench/floor.sh builds and runs it
// beside stressplan and wrk. It prints one line: mode, connections, requests, requests/s and
// CPU µs per request (CLOCK_PROCESS_CPUTIME_ID over the load window; connecting is outside it).
// A third mode measures what one timed sleep costs, the floor under a load thread that waits
// for its next arrival (bench/open-cost.sh): COUNT epoll_pwait2 calls on an empty epoll set,
// each sleeping MICROSECONDS, with 1 µs of timer slack as stressplan's load threads ask for.
//
//   floor epoll|uring HOST PORT CONNECTIONS SECONDS
//   floor wake COUNT MICROSECONDS
#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

const char kRequest[] = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
constexpr size_t kRequestLen = sizeof kRequest - 1;
constexpr size_t kBufferSize = 4096;

[[noreturn]] void Die(const char* what, int err) {
  std::fprintf(stderr, "floor: %s: %s\n", what, std::strerror(err));
  std::exit(2);
}

uint64_t Now(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// One connection's response so far. Complete when the head is in and Content-Length body
// bytes follow it; what comes after belongs to no request (there is no pipelining).
struct Conn {
  int fd = -1;
  std::string in;
  char buf[kBufferSize];

  // Appends n bytes; true when they complete the response, which is then dropped.
  bool Take(size_t n) {
    in.append(buf, n);
    const size_t head = in.find("\r\n\r\n");
    if (head == std::string::npos) return false;
    size_t length = 0;
    const size_t at = in.find("Content-Length:");
    if (at != std::string::npos && at < head)
      length = std::strtoul(in.c_str() + at + 15, nullptr, 10);
    if (in.size() < head + 4 + length) return false;
    in.clear();
    return true;
  }
};

std::vector<Conn> Connect(const char* host, int port, int n) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) Die("HOST must be an IPv4 address", EINVAL);
  std::vector<Conn> conns(static_cast<size_t>(n));
  for (Conn& c : conns) {
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c.fd < 0) Die("socket", errno);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) Die("connect", errno);
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return conns;
}

uint64_t RunEpoll(std::vector<Conn>& conns, uint64_t end_ns) {
  const int ep = epoll_create1(0);
  for (size_t i = 0; i < conns.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) != 0) Die("epoll_ctl", errno);
    if (send(conns[i].fd, kRequest, kRequestLen, MSG_NOSIGNAL) != static_cast<ssize_t>(kRequestLen))
      Die("send", errno);
  }
  std::vector<epoll_event> events(1024);
  uint64_t done = 0;
  while (Now(CLOCK_MONOTONIC) < end_ns) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    if (n < 0 && errno != EINTR) Die("epoll_wait", errno);
    for (int k = 0; k < n; ++k) {
      Conn& c = conns[events[static_cast<size_t>(k)].data.u64];
      const ssize_t got = recv(c.fd, c.buf, sizeof c.buf, 0);
      if (got <= 0) Die("recv (the server closed or failed)", got == 0 ? ECONNRESET : errno);
      if (!c.Take(static_cast<size_t>(got))) continue;
      ++done;
      if (send(c.fd, kRequest, kRequestLen, MSG_NOSIGNAL) != static_cast<ssize_t>(kRequestLen))
        Die("send", errno);
    }
  }
  close(ep);
  return done;
}

// user_data: connection index * 2, + 1 for a recv.
// A free SQE; when the submission queue is full, what it holds is submitted first.
io_uring_sqe* NextSqe(io_uring* ring) {
  io_uring_sqe* sqe = io_uring_get_sqe(ring);
  if (sqe != nullptr) return sqe;
  io_uring_submit(ring);
  return io_uring_get_sqe(ring);
}

void QueueSend(io_uring* ring, std::vector<Conn>& conns, size_t i) {
  io_uring_sqe* sqe = NextSqe(ring);
  io_uring_prep_send(sqe, conns[i].fd, kRequest, kRequestLen, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, i * 2);
}

void QueueRecv(io_uring* ring, std::vector<Conn>& conns, size_t i) {
  io_uring_sqe* sqe = NextSqe(ring);
  io_uring_prep_recv(sqe, conns[i].fd, conns[i].buf, sizeof conns[i].buf, 0);
  io_uring_sqe_set_data64(sqe, i * 2 + 1);
}

void InitRing(io_uring* ring, unsigned entries) {
  io_uring_params p{};
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  if (io_uring_queue_init_params(entries, ring, &p) == 0) return;
  const int err = io_uring_queue_init(entries, ring, 0);  // an older kernel
  if (err < 0) Die("io_uring_queue_init", -err);
}

uint64_t RunUring(std::vector<Conn>& conns, uint64_t end_ns) {
  unsigned entries = 64;
  while (entries < 2 * conns.size() && entries < 32768) entries *= 2;
  io_uring ring{};
  InitRing(&ring, entries);
  for (size_t i = 0; i < conns.size(); ++i) {
    QueueSend(&ring, conns, i);
    QueueRecv(&ring, conns, i);
  }
  uint64_t done = 0;
  __kernel_timespec wait{0, 100'000'000};
  while (Now(CLOCK_MONOTONIC) < end_ns) {
    io_uring_cqe* cqe = nullptr;
    const int rc = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &wait, nullptr);
    if (rc < 0 && rc != -ETIME && rc != -EINTR) Die("io_uring_submit_and_wait_timeout", -rc);
    unsigned head = 0, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      const size_t i = static_cast<size_t>(cqe->user_data / 2);
      if (cqe->user_data % 2 == 0) {  // a send
        if (cqe->res != static_cast<int>(kRequestLen)) Die("send", cqe->res < 0 ? -cqe->res : EIO);
        continue;
      }
      if (cqe->res <= 0)
        Die("recv (the server closed or failed)", cqe->res == 0 ? ECONNRESET : -cqe->res);
      if (conns[i].Take(static_cast<size_t>(cqe->res))) {
        ++done;
        QueueSend(&ring, conns, i);
      }
      QueueRecv(&ring, conns, i);
    }
    io_uring_cq_advance(&ring, seen);
  }
  io_uring_queue_exit(&ring);
  return done;
}

int Wake(int count, long us) {
  prctl(PR_SET_TIMERSLACK, 1000UL);
  const int ep = epoll_create1(0);
  epoll_event ev{};
  const timespec ts{us / 1'000'000, (us % 1'000'000) * 1000};
  const uint64_t wall0 = Now(CLOCK_MONOTONIC);
  const uint64_t cpu0 = Now(CLOCK_PROCESS_CPUTIME_ID);
  for (int i = 0; i < count; ++i) {
    if (epoll_pwait2(ep, &ev, 1, &ts, nullptr) < 0 && errno != EINTR) Die("epoll_pwait2", errno);
  }
  const double cpu = static_cast<double>(Now(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / 1e3;
  const double wall = static_cast<double>(Now(CLOCK_MONOTONIC) - wall0) / 1e3;
  std::printf("wake count %d sleep_us %ld wall_us_per_wake %.2f cpu_us_per_wake %.3f\n", count, us,
              wall / count, cpu / count);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "wake") == 0) {
    const int count = std::atoi(argv[2]);
    const long us = std::atol(argv[3]);
    if (count <= 0 || us <= 0) Die("COUNT and MICROSECONDS must be positive", EINVAL);
    return Wake(count, us);
  }
  if (argc != 6 || (std::strcmp(argv[1], "epoll") != 0 && std::strcmp(argv[1], "uring") != 0)) {
    std::fprintf(
        stderr,
        "usage: floor epoll|uring HOST PORT CONNECTIONS SECONDS | floor wake COUNT MICROSECONDS\n");
    return 2;
  }
  const int n = std::atoi(argv[4]);
  const double seconds = std::atof(argv[5]);
  if (n <= 0 || seconds <= 0) Die("CONNECTIONS and SECONDS must be positive", EINVAL);
  std::vector<Conn> conns = Connect(argv[2], std::atoi(argv[3]), n);
  const uint64_t wall0 = Now(CLOCK_MONOTONIC);
  const uint64_t cpu0 = Now(CLOCK_PROCESS_CPUTIME_ID);
  const uint64_t end = wall0 + static_cast<uint64_t>(seconds * 1e9);
  const uint64_t done = argv[1][0] == 'e' ? RunEpoll(conns, end) : RunUring(conns, end);
  const double cpu = static_cast<double>(Now(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / 1e9;
  const double wall = static_cast<double>(Now(CLOCK_MONOTONIC) - wall0) / 1e9;
  std::printf("%s connections %d requests %llu rps %.0f cpu_us_per_request %.3f\n", argv[1], n,
              static_cast<unsigned long long>(done), static_cast<double>(done) / wall,
              done > 0 ? cpu * 1e6 / static_cast<double>(done) : 0.0);
  for (Conn& c : conns) close(c.fd);
  return 0;
}
