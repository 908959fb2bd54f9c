// The TLS layer of one connection, driven non-blocking from the worker's epoll loop: the
// handshake in steps (each step says whether to wait for readable or writable), then recv/send
// with the socket calls' own conventions, so the worker's I/O code stays the same for http://
// and https://.
//
// The session talks to the socket through its own BIO, which sends with MSG_NOSIGNAL (OpenSSL's
// socket BIO uses write(2), which raises SIGPIPE when the peer is gone) and remembers the last
// errno for the error text.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "stressplan/target.h"

struct ssl_st;

namespace sp::http {

class TlsContext;
class TlsSessionCache;
struct Address;

class TlsSession {
 public:
  enum class Step { kDone, kWantRead, kWantWrite, kFailed };
  // What kind of failure failed() was, for hints in messages. kLocalLimit: this machine ran
  // out of memory or buffers (OpenSSL's allocation failed, or the socket said ENOMEM/ENOBUFS):
  // the generator's problem, not the server's TLS. kClientCert: the server asked for a client
  // certificate and then refused ours, or the lack of one, with a fatal alert.
  enum class Failure { kNone, kCertificate, kName, kNotTls, kLocalLimit, kClientCert, kOther };

  TlsSession() = default;
  ~TlsSession();  // frees the session without any I/O (the socket may already be closed)
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // From the first handshake step until Reset(): the connection speaks TLS.
  bool Active() const { return ssl_ != nullptr; }
  // The handshake completed.
  bool established() const { return established_; }
  // The session resumed an earlier one (an abbreviated handshake).
  bool Resumed() const;
  // The protocol the server selected by ALPN ("h2"), "" when none.
  std::string_view AlpnSelected() const;
  // The handshake failed because the server accepts none of the ALPN protocols we offered
  // (its no_application_protocol alert): with protocol: http2, the server does not speak h2.
  bool RefusedAlpn() const { return error_.find("no application protocol") != std::string::npos; }

  // Starts (first call) or continues the client handshake on the connected socket `fd`.
  // `cache` (may be nullptr) offers a session to resume and receives the ones the server issues.
  // kFailed: failed() and error() say why.
  Step Handshake(const TlsContext& ctx, int fd, TlsSessionCache* cache);

  // As recv(2) and send(2) on the socket: > 0 bytes, 0 for EOF (recv only), or -1 with errno:
  // EAGAIN to wait for the socket, the socket's errno (ECONNRESET, EPIPE, ...), or EPROTO for a
  // TLS failure (failed() and error() say which). recv fills `buf` as far as the data goes.
  ssize_t Recv(char* buf, size_t len);
  ssize_t Send(const char* data, size_t len);
  // recv has a result (EOF or an error) ready without waiting: found after data it returned.
  bool HasBufferedResult() const { return pending_ != Pending::kNone; }

  bool Failed() const { return failure_ != Failure::kNone; }
  Failure failure() const { return failure_; }
  // The error kind a failed request reports: local_limit for kLocalLimit, tls_client_cert for
  // kClientCert, else tls.
  sp_error_kind ErrorKind() const {
    return failure_ == Failure::kLocalLimit   ? SP_E_LOCAL_LIMIT
           : failure_ == Failure::kClientCert ? SP_E_TLS_CLIENT_CERT
                                              : SP_E_TLS;
  }
  // e.g. "certificate verify failed: self-signed certificate"; "" unless failed().
  const char* error() const { return error_.c_str(); }

  // Sends close_notify if the session is healthy (best effort: one non-blocking write) and frees
  // it; the connection is plain again. Call before closing the socket.
  void Reset();

  // OpenSSL's certificate callback (public for it): the server sent a CertificateRequest.
  void NoteCertificateRequest() { cert_requested_ = true; }

  // The socket as the BIO sees it (public for the BIO's callbacks in tls_session.cc).
  struct Socket {
    int fd = -1;
    bool eof = false;  // recv returned 0
    int err_no = 0;    // the last failed call's errno, EAGAIN aside
  };

 private:
  enum class Pending { kNone, kEof, kError };
  void Fail(Failure failure, std::string text);
  // Classifies a failed SSL_* call; returns the errno for recv/send (0 for EOF).
  int OnError(int ssl_error, bool in_handshake);
  // A fatal alert about the client certificate (reason: OpenSSL's for the received alert):
  // fails the session as kClientCert and returns true.
  bool FailOnClientCertAlert(int reason, const std::string& text);
  // After a send failed on the socket (the server reset the connection): a TLS 1.3 server that
  // refused our certificate sent its alert before closing, and it may still wait in the
  // socket's receive queue. Reads it; true if it failed the session as kClientCert.
  bool ReadClientCertAlert();
  ssize_t ReportPending();

  ssl_st* ssl_ = nullptr;
  Socket socket_;
  const std::string* verify_name_ = nullptr;  // the context's, for messages
  bool has_client_cert_ = false;              // the context's client_cert is set
  bool cert_requested_ = false;               // the server asked for a client certificate
  bool established_ = false;
  bool broken_ = false;  // an error or EOF was seen: no close_notify
  Failure failure_ = Failure::kNone;
  std::string error_;
  Pending pending_ = Pending::kNone;
  int pending_errno_ = 0;
};

// Preflight for https://: connects to `address` and completes a verified TLS handshake, blocking
// for at most timeout_ns in all. On failure *err says what failed and how to fix it.
bool ProbeTls(const TlsContext& ctx, const Address& address, uint64_t timeout_ns,
              const std::string& url_text, std::string* err);

}  // namespace sp::http
