// A loopback server on 127.0.0.1 whose connections each run a script the test writes: read a
// request, answer with exact bytes, stall, close, reset. Plain TCP, or TLS when given a server
// SSL_CTX (the handshake runs before the script). One thread per connection, blocking I/O;
// the destructor shuts every socket down, which ends any script waiting in a read.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sp::http::test {

class ScriptServer {
 public:
  class Conn {
   public:
    // Reads one request (head, plus a Content-Length body) into *request; false on EOF/error.
    bool ReadRequest(std::string* request);
    // Reads whatever arrives next (at least one byte) into *data; false on EOF/error.
    bool ReadAny(std::string* data);
    // Writes all of `data`; false if the peer is gone.
    bool Send(std::string_view data);
    // Blocks until the peer closes or the server stops, discarding what arrives.
    void WaitClosed();
    // Closes with a TCP reset (SO_LINGER 0), with no TLS close_notify.
    void Reset();
    // Closes gracefully (TLS: close_notify first). Also what happens when the script returns.
    void Close();

    int fd() const { return fd_; }
    SSL* ssl() const { return ssl_; }
    int index() const { return index_; }  // 0 for the server's first connection, ...

   private:
    friend class ScriptServer;
    ssize_t ReadSome(char* buf, size_t len);

    ScriptServer* server_ = nullptr;
    int fd_ = -1;
    SSL* ssl_ = nullptr;
    int index_ = 0;
    bool closed_ = false;
    std::string pending_;
  };
  using Script = std::function<void(Conn&)>;

  // tls: a server context (not owned; it must outlive the server), or nullptr for plain TCP.
  explicit ScriptServer(Script script, SSL_CTX* tls = nullptr);
  ~ScriptServer();
  ScriptServer(const ScriptServer&) = delete;
  ScriptServer& operator=(const ScriptServer&) = delete;

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port>", or https:// for a TLS server; `host` replaces 127.0.0.1.
  std::string Url(const std::string& host = "127.0.0.1") const;
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }
  int handshakes() const { return handshakes_.load(); }          // completed TLS handshakes
  int resumed() const { return resumed_.load(); }                // of which resumed sessions
  int handshake_failures() const { return handshake_failures_.load(); }
  std::string LastSni() const;             // "" when the client sent none
  std::string LastHandshakeError() const;  // OpenSSL's reason for the last failed handshake
  // Waits (up to 5 s) until `n` connections were accepted.
  bool WaitForConnections(int n) const;

 private:
  void AcceptLoop();
  void Run(int fd, int index);

  Script script_;
  SSL_CTX* tls_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> handshakes_{0};
  std::atomic<int> resumed_{0};
  std::atomic<int> handshake_failures_{0};
  mutable std::mutex mu_;
  std::vector<int> open_fds_;
  std::vector<std::thread> handlers_;
  std::string last_sni_;
  std::string last_handshake_error_;
  std::thread acceptor_;
};

// A plain ScriptServer whose script answers every request of every connection with
// answer(request) (the whole request as read), keeping the requests in the order they arrived.
class AnsweringServer {
 public:
  using Answer = std::function<std::string(const std::string& request)>;
  explicit AnsweringServer(Answer answer);

  std::string Url() const { return server_.Url(); }
  std::vector<std::string> Requests() const;

 private:
  Answer answer_;
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
  ScriptServer server_;  // last: its threads stop before the members they use go
};

// An HTTP/1.1 response with a Content-Length body.
std::string FixedResponse(int status, std::string_view body, std::string_view extra_headers = "");
// An HTTP/1.1 chunked response carrying `body` in chunks of at most chunk_size bytes.
std::string ChunkedResponse(std::string_view body, size_t chunk_size);
// The request line's path ("/x?y") of a request read by Conn::ReadRequest.
std::string RequestPath(const std::string& request);

}  // namespace sp::http::test
