#include "core/chaos/http_exchange.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "core/plan/probe_check.h"
#include "lib/http1/parser.h"
#include "lib/http1/syntax.h"

namespace sp::chaos {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxLine = 16 * 1024;
constexpr size_t kMaxHead = 64 * 1024;
constexpr size_t kMaxBody = 4 * 1024 * 1024;

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// A socket closed on every path.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// What the answer's parts say, as the parser reads them; reset by an interim (1xx) answer.
class AnswerSink : public http1::MessageSink {
 public:
  void OnStatusLine(int status, std::string_view reason) override {
    status_line_seen = true;
    this->status = status;
    this->reason = std::string(reason);
  }
  void OnHeader(std::string_view name, std::string_view value) override {
    if (http1::IEquals(name, "transfer-encoding")) {
      std::string codings(value);
      std::transform(codings.begin(), codings.end(), codings.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      chunked = codings.find("chunked") != std::string::npos;
    } else if (http1::IEquals(name, "content-length")) {
      std::from_chars(value.data(), value.data() + value.size(), content_length);
    }
  }
  void OnBody(const char* data, size_t len) override {
    if (body.size() + len > kMaxBody) {
      too_large = true;
      return;
    }
    body.append(data, len);
  }
  void OnInterim() override { *this = AnswerSink(); }

  bool status_line_seen = false;
  int status = 0;
  std::string reason;
  bool chunked = false;
  long long content_length = -1;
  std::string body;
  bool too_large = false;
};

void Fail(HttpAnswer* a, std::string failure, std::string detail) {
  a->failure = std::move(failure);
  a->detail = std::move(detail);
}

void TimeOut(const HttpExchange& x, std::string detail, HttpAnswer* a) {
  a->timed_out = true;
  Fail(a, "timeout after " + Seconds(x.timeout_s) + " s", std::move(detail));
}

// Waits until `fd` is ready for `events`; false when the deadline comes first. An error on the
// socket counts as ready: the next call reports it.
bool WaitUntil(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const Clock::duration left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return false;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, static_cast<int>(std::min<long long>(ms, 1 << 30)));
    if (n > 0 || (n < 0 && errno != EINTR)) return true;
  }
}

bool ResolveHost(const HttpExchange& x, Clock::time_point deadline, const net::Resolver& resolver,
                 std::vector<net::Address>* addresses, HttpAnswer* a) {
  const Clock::duration left = std::max(deadline - Clock::now(), Clock::duration::zero());
  std::string err;
  switch (net::ResolveWithin(x.host, x.port, left, addresses, &err, resolver)) {
    case net::ResolveStatus::kResolved:
      // IPv4 first, as the Poco client this one replaced did: "localhost" is often ::1 first,
      // and a test server listens on 127.0.0.1.
      std::stable_partition(addresses->begin(), addresses->end(),
                            [](const net::Address& ad) { return ad.family() == AF_INET; });
      return true;
    case net::ResolveStatus::kTimedOut:
      TimeOut(x, "the DNS lookup of " + x.host + " did not finish within the timeout", a);
      return false;
    case net::ResolveStatus::kFailed:
      Fail(a, "host not found", "cannot resolve host " + x.host + ": " + err);
      return false;
  }
  return false;
}

// A connected non-blocking socket, or none with *error (ETIMEDOUT when the deadline came).
Socket ConnectTo(const net::Address& address, Clock::time_point deadline, int* error) {
  Socket s(socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (s.fd() < 0) {
    *error = errno;
    return Socket();
  }
  if (connect(s.fd(), address.sockaddr_ptr(), address.length) == 0) return s;
  if (errno != EINPROGRESS) {
    *error = errno;
    return Socket();
  }
  if (!WaitUntil(s.fd(), POLLOUT, deadline)) {
    *error = ETIMEDOUT;
    return Socket();
  }
  socklen_t len = sizeof *error;
  *error = 0;
  getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, error, &len);
  return *error == 0 ? std::move(s) : Socket();
}

// Tries each address in turn until one accepts or the deadline passes.
Socket Connect(const HttpExchange& x, const std::vector<net::Address>& addresses,
               Clock::time_point deadline, HttpAnswer* a) {
  int error = 0;
  for (const net::Address& address : addresses) {
    Socket s = ConnectTo(address, deadline, &error);
    if (s.fd() >= 0) return s;
    if (error == ETIMEDOUT) break;
  }
  if (error == ETIMEDOUT) {
    TimeOut(x, "could not connect within the timeout", a);
  } else if (error == ECONNREFUSED) {
    Fail(a, "connection refused",
         "nothing accepts connections at " + x.host + ":" + std::to_string(x.port));
  } else {
    Fail(a, "connect failed", std::strerror(error));
  }
  return Socket();
}

// False at the deadline. A send error ends the sending, not the exchange: a server that
// answers early and closes (413, 400) is better reported by its answer.
bool SendRequest(const HttpExchange& x, int fd, Clock::time_point deadline, HttpAnswer* a) {
  size_t sent = 0;
  while (sent < x.request.size()) {
    if (!WaitUntil(fd, POLLOUT, deadline)) {
      TimeOut(x, "the request could not be sent within the timeout", a);
      return false;
    }
    const ssize_t n = send(fd, x.request.data() + sent, x.request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      break;
    }
  }
  return true;
}

void Answered(AnswerSink* sink, HttpAnswer* a) {
  a->answered = true;
  a->status = sink->status;
  a->reason = std::move(sink->reason);
  a->body = std::move(sink->body);
}

void OnBadAnswer(const http1::Parser& parser, const AnswerSink& sink, std::string_view pending,
                 HttpAnswer* a) {
  a->status = sink.status;  // 0 unless the status line was read
  if (!sink.status_line_seen) {
    Fail(
        a, "bad answer",
        "not an HTTP/1.x answer: '" + plan::Snippet(pending.substr(0, pending.find("\r\n"))) + "'");
  } else {
    Fail(a, "bad answer", parser.error());
  }
}

// The deadline came while reading.
void OnReadTimeout(const HttpExchange& x, const http1::Parser& parser, const AnswerSink& sink,
                   bool received, HttpAnswer* a) {
  if (parser.InHead()) {
    TimeOut(x,
            received ? "the answer was incomplete at the timeout" : "no answer within the timeout",
            a);
    return;
  }
  a->status = sink.status;
  a->timed_out = true;
  Fail(a,
       "status " + std::to_string(sink.status) + ", timeout after " + Seconds(x.timeout_s) +
           " s reading the body",
       "the body did not arrive within the timeout");
}

// The server closed the connection: the end of a body that runs until close, else too early.
void OnClose(http1::Parser* parser, AnswerSink* sink, bool received, HttpAnswer* a) {
  const bool in_head = parser->InHead();  // before Finish, which ends in kDone or kError
  if (parser->Finish() == http1::Parser::Result::kDone) return Answered(sink, a);
  std::string why;
  if (in_head) {
    why = received ? "connection closed in the middle of the response head"
                   : "connection closed without an answer";
  } else {
    a->status = sink->status;
    why = sink->chunked ? "connection closed in the middle of a chunked body"
                        : "connection closed after " + std::to_string(parser->body_bytes()) +
                              " of " + std::to_string(sink->content_length) + " body bytes";
  }
  Fail(a, why, why);
}

// Reads and parses until the answer is complete, the server closes, or the deadline.
void ReadAnswer(const HttpExchange& x, int fd, Clock::time_point deadline, HttpAnswer* a) {
  http1::Parser parser(http1::Parser::Role::kResponse, {kMaxLine, kMaxHead});
  parser.Reset(x.head_request);
  AnswerSink sink;
  parser.SetSink(&sink);
  std::string pending;  // bytes the parser left: the start of a line
  bool received = false;
  char buf[16384];
  for (;;) {
    if (!WaitUntil(fd, POLLIN, deadline)) return OnReadTimeout(x, parser, sink, received, a);
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) {
      return Fail(a, errno == ECONNRESET ? "connection reset" : "connection error",
                  std::strerror(errno));
    }
    if (n == 0) return OnClose(&parser, &sink, received, a);
    received = true;
    pending.append(buf, static_cast<size_t>(n));
    size_t used = 0;
    const http1::Parser::Result result = parser.Feed(pending.data(), pending.size(), &used);
    if (result == http1::Parser::Result::kError) return OnBadAnswer(parser, sink, pending, a);
    pending.erase(0, used);
    if (sink.too_large) return Fail(a, "body too large", "the response body is larger than 4 MiB");
    if (result == http1::Parser::Result::kDone) return Answered(&sink, a);
  }
}

}  // namespace

HttpAnswer Exchange(const HttpExchange& x, const net::Resolver& resolver) {
  HttpAnswer a;
  try {
    const Clock::time_point deadline =
        Clock::now() +
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(x.timeout_s));
    std::vector<net::Address> addresses;
    if (!ResolveHost(x, deadline, resolver, &addresses, &a)) return a;
    const Socket socket = Connect(x, addresses, deadline, &a);
    if (socket.fd() < 0) return a;
    if (!SendRequest(x, socket.fd(), deadline, &a)) return a;
    ReadAnswer(x, socket.fd(), deadline, &a);
  } catch (const std::exception& e) {  // nothing escapes a probe (bad_alloc, a resolver's throw)
    a = HttpAnswer();
    Fail(&a, "error", e.what());
  }
  return a;
}

}  // namespace sp::chaos
