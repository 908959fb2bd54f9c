#include "script_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "tests/support/loopback_io.h"

namespace sp::http::test {
namespace {

int ListenOnLoopback(uint16_t* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 512) != 0) {
    ::close(fd);
    throw std::runtime_error("bind/listen failed");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

using plugin_test::content_length;

std::string SslReason() {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  return reason != nullptr ? reason : "no OpenSSL error (the peer closed or reset)";
}

}  // namespace

// ---- a connection -------------------------------------------------------------------------

ssize_t ScriptServer::Conn::ReadSome(char* buf, size_t len) {
  if (closed_) return -1;
  if (ssl_ == nullptr) return ::recv(fd_, buf, len, 0);
  size_t n = 0;
  ERR_clear_error();
  if (SSL_read_ex(ssl_, buf, len, &n) == 1) return static_cast<ssize_t>(n);
  return SSL_get_error(ssl_, 0) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

bool ScriptServer::Conn::ReadRequest(std::string* request) {
  char buf[16384];
  size_t head_end;
  while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ReadSome(buf, sizeof buf);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
  }
  const size_t total = head_end + 4 + content_length(pending_.substr(0, head_end + 2));
  while (pending_.size() < total) {
    const ssize_t n = ReadSome(buf, sizeof buf);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
  }
  *request = pending_.substr(0, total);
  pending_.erase(0, total);
  ++server_->requests_;
  return true;
}

bool ScriptServer::Conn::ReadAny(std::string* data) {
  char buf[16384];
  const ssize_t n = ReadSome(buf, sizeof buf);
  if (n <= 0) return false;
  data->assign(buf, static_cast<size_t>(n));
  return true;
}

bool ScriptServer::Conn::Send(std::string_view data) {
  if (closed_) return false;
  size_t off = 0;
  while (off < data.size()) {
    if (ssl_ != nullptr) {
      size_t n = 0;
      ERR_clear_error();
      if (SSL_write_ex(ssl_, data.data() + off, data.size() - off, &n) != 1) return false;
      off += n;
    } else {
      const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
  }
  return true;
}

void ScriptServer::Conn::WaitClosed() {
  char buf[4096];
  while (!closed_ && !server_->stopping_ && ReadSome(buf, sizeof buf) > 0) {
  }
}

void ScriptServer::Conn::Reset() {
  if (closed_) return;
  const linger abort{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  if (ssl_ != nullptr) SSL_set_quiet_shutdown(ssl_, 1);
  Close();
}

void ScriptServer::Conn::Close() {
  if (closed_) return;
  closed_ = true;
  if (ssl_ != nullptr) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // close_notify, unless reset() made it quiet
  }
  {
    std::lock_guard<std::mutex> lock(server_->mu_);
    auto& fds = server_->open_fds_;
    fds.erase(std::find(fds.begin(), fds.end(), fd_));
    ::close(fd_);
  }
  if (ssl_ != nullptr) SSL_free(ssl_);
  ssl_ = nullptr;
}

// ---- the server ---------------------------------------------------------------------------

ScriptServer::ScriptServer(Script script, SSL_CTX* tls) : script_(std::move(script)), tls_(tls) {
  listen_fd_ = ListenOnLoopback(&port_);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

ScriptServer::~ScriptServer() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> handlers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);  // wakes every blocked read
    handlers.swap(handlers_);
  }
  for (auto& t : handlers) t.join();
}

std::string ScriptServer::Url(const std::string& host) const {
  return std::string(tls_ != nullptr ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

std::string ScriptServer::LastSni() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_sni_;
}

std::string ScriptServer::LastHandshakeError() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_handshake_error_;
}

bool ScriptServer::WaitForConnections(int n) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (connections_.load() < n) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void ScriptServer::AcceptLoop() {
  while (!stopping_) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    const int index = connections_++;
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    handlers_.emplace_back([this, fd, index] { Run(fd, index); });
  }
}

void ScriptServer::Run(int fd, int index) {
  // A write to a peer that is gone must fail with EPIPE, not kill the test: OpenSSL writes
  // with write(2), which raises SIGPIPE on this thread unless it is blocked here.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);

  Conn conn;
  conn.server_ = this;
  conn.fd_ = fd;
  conn.index_ = index;
  if (tls_ != nullptr) {
    conn.ssl_ = SSL_new(tls_);
    SSL_set_fd(conn.ssl_, fd);
    ERR_clear_error();
    if (SSL_accept(conn.ssl_) != 1) {
      ++handshake_failures_;
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_handshake_error_ = SslReason();
      }
      SSL_set_quiet_shutdown(conn.ssl_, 1);
      conn.Close();
      ERR_clear_error();
      return;
    }
    ++handshakes_;
    if (SSL_session_reused(conn.ssl_)) ++resumed_;
    const char* sni = SSL_get_servername(conn.ssl_, TLSEXT_NAMETYPE_host_name);
    std::lock_guard<std::mutex> lock(mu_);
    last_sni_ = sni != nullptr ? sni : "";
  }
  script_(conn);
  conn.Close();
  ERR_clear_error();
}

// ---- responses ----------------------------------------------------------------------------

AnsweringServer::AnsweringServer(Answer answer)
    : answer_(std::move(answer)), server_([this](ScriptServer::Conn& c) {
        std::string request;
        while (c.ReadRequest(&request)) {
          {
            std::lock_guard<std::mutex> lock(mu_);
            requests_.push_back(request);
          }
          if (!c.Send(answer_(request))) return;
        }
      }) {}

std::vector<std::string> AnsweringServer::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::string FixedResponse(int status, std::string_view body, std::string_view extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) + " Status\r\n" + std::string(extra_headers) +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

std::string ChunkedResponse(std::string_view body, size_t chunk_size) {
  std::string out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  char size[32];
  for (size_t off = 0; off < body.size(); off += chunk_size) {
    const size_t n = std::min(chunk_size, body.size() - off);
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    out.append(size).append(body.substr(off, n)).append("\r\n");
  }
  return out + "0\r\n\r\n";
}

std::string RequestPath(const std::string& request) {
  const size_t sp1 = request.find(' ');
  const size_t sp2 = request.find(' ', sp1 + 1);
  return sp1 == std::string::npos || sp2 == std::string::npos ? "" : request.substr(sp1 + 1, sp2 - sp1 - 1);
}

}  // namespace sp::http::test
