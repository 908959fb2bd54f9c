#include "plugins/http_target/tls_session.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "plugins/http_target/address.h"
#include "plugins/http_target/socket_ops.h"
#include "plugins/http_target/tls_context.h"

namespace sp::http {
namespace {

// ---- the BIO: the session's socket, without SIGPIPE ---------------------------------------

bool WouldBlock(int err_no) { return err_no == EAGAIN || err_no == EWOULDBLOCK || err_no == EINTR; }

int BioWrite(BIO* bio, const char* data, int len) {
  auto* s = static_cast<TlsSession::Socket*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::send(s->fd, data, static_cast<size_t>(len), MSG_NOSIGNAL);
  if (n < 0) {
    if (WouldBlock(errno)) {
      BIO_set_retry_write(bio);
    } else {
      s->err_no = errno;
    }
  }
  return static_cast<int>(n);
}

int BioRead(BIO* bio, char* buf, int len) {
  auto* s = static_cast<TlsSession::Socket*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::recv(s->fd, buf, static_cast<size_t>(len), 0);
  if (n == 0) s->eof = true;
  if (n < 0) {
    if (WouldBlock(errno)) {
      BIO_set_retry_read(bio);
    } else {
      s->err_no = errno;
    }
  }
  return static_cast<int>(n);
}

long BioCtrl(BIO* bio, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;  // nothing is buffered here
    case BIO_CTRL_EOF:  // OpenSSL asks this to tell an EOF from an error
      return static_cast<TlsSession::Socket*>(BIO_get_data(bio))->eof ? 1 : 0;
    default:
      return 0;
  }
}

// Created on first use, freed when the plugin is unloaded (the host unloads it only after
// every instance and worker is gone).
struct SocketMethod {
  BIO_METHOD* method;
  SocketMethod() : method(BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "stressplan socket")) {
    BIO_meth_set_write(method, BioWrite);
    BIO_meth_set_read(method, BioRead);
    BIO_meth_set_ctrl(method, BioCtrl);
  }
  ~SocketMethod() { BIO_meth_free(method); }
};

BIO_METHOD* SocketBioMethod() {
  static const SocketMethod instance;
  return instance.method;
}

// The reason of the newest OpenSSL error on this thread, e.g. "wrong version number".
std::string LastSslReason(unsigned long* code) {
  *code = ERR_peek_last_error();
  const char* reason = *code != 0 ? ERR_reason_error_string(*code) : nullptr;
  return reason != nullptr ? reason : "unknown error";
}

// OpenSSL could not allocate: the generator's machine is out of memory.
bool OutOfMemory(unsigned long code) {
  return code != 0 && ERR_GET_REASON(code) == ERR_R_MALLOC_FAILURE;
}

// OpenSSL's certificate callback, called on a client only when the server's CertificateRequest
// arrives (TLS 1.2 and 1.3), whether or not a certificate is set: `arg` is the session.
int OnCertificateRequest(SSL* /*ssl*/, void* arg) {
  static_cast<TlsSession*>(arg)->NoteCertificateRequest();
  return 1;  // go on: OpenSSL sends the context's certificate, or none
}

// The alerts a server sends about a certificate (RFC 8446 6.2), as OpenSSL's reasons for a
// received alert: after a CertificateRequest they are about the client's.
bool IsCertificateAlert(int reason) {
  for (int r : {SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED, SSL_R_SSLV3_ALERT_BAD_CERTIFICATE,
                SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE, SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED,
                SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED, SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN,
                SSL_R_TLSV1_ALERT_UNKNOWN_CA}) {
    if (reason == r) return true;
  }
  return false;
}

uint64_t MonotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

// ---- the session --------------------------------------------------------------------------

TlsSession::~TlsSession() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

bool TlsSession::Resumed() const { return ssl_ != nullptr && SSL_session_reused(ssl_) == 1; }

std::string_view TlsSession::AlpnSelected() const {
  const unsigned char* data = nullptr;
  unsigned int len = 0;
  if (ssl_ != nullptr) SSL_get0_alpn_selected(ssl_, &data, &len);
  return data == nullptr ? std::string_view()
                         : std::string_view(reinterpret_cast<const char*>(data), len);
}

void TlsSession::Fail(Failure failure, std::string text) {
  failure_ = failure;
  error_ = std::move(text);
  broken_ = true;
}

TlsSession::Step TlsSession::Handshake(const TlsContext& ctx, int fd, TlsSessionCache* cache) {
  if (ssl_ == nullptr) {
    socket_ = Socket{fd, false, 0};
    verify_name_ = &ctx.verify_name();
    has_client_cert_ = ctx.has_client_cert();
    cert_requested_ = false;
    ssl_ = SSL_new(ctx.Native());
    BIO* bio = ssl_ != nullptr ? BIO_new(SocketBioMethod()) : nullptr;
    if (bio == nullptr) {
      unsigned long code;
      const std::string reason = LastSslReason(&code);
      Fail(OutOfMemory(code) ? Failure::kLocalLimit : Failure::kOther,
           "TLS setup failed: " + reason);
      ERR_clear_error();
      return Step::kFailed;
    }
    BIO_set_data(bio, &socket_);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl_, bio, bio);  // one reference, owned by the session
    SSL_set_connect_state(ssl_);
    SSL_set_cert_cb(ssl_, OnCertificateRequest, this);
    if (!ctx.sni().empty()) SSL_set_tlsext_host_name(ssl_, ctx.sni().c_str());
    if (ctx.resume() && cache != nullptr) {
      SSL_set_app_data(ssl_, cache);  // tls_context.cc's new-session callback stores into it
      if (cache->get() != nullptr) SSL_set_session(ssl_, cache->get());
    }
  }
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    established_ = true;
    return Step::kDone;
  }
  const int e = SSL_get_error(ssl_, rc);
  if (e == SSL_ERROR_WANT_READ) return Step::kWantRead;
  if (e == SSL_ERROR_WANT_WRITE) return Step::kWantWrite;
  OnError(e, /*in_handshake=*/true);
  return Step::kFailed;
}

int TlsSession::OnError(int ssl_error, bool in_handshake) {
  broken_ = true;
  int err_no;
  if (ssl_error == SSL_ERROR_ZERO_RETURN ||
      (ssl_error == SSL_ERROR_SYSCALL && socket_.err_no == 0)) {
    err_no = 0;  // EOF: close_notify, or the peer closing the socket
    if (in_handshake) Fail(Failure::kOther, "TLS handshake failed: connection closed by the peer");
  } else if (ssl_error == SSL_ERROR_SYSCALL) {
    err_no = socket_.err_no;
    if (in_handshake) {
      Fail(IsLocalLimit(err_no) ? Failure::kLocalLimit : Failure::kOther,
           std::string("TLS handshake failed: ") + ErrnoText(err_no));
    }
  } else {
    err_no = EPROTO;
    const long verify = SSL_get_verify_result(ssl_);
    unsigned long code = 0;
    const std::string reason = LastSslReason(&code);
    if (OutOfMemory(code)) {
      Fail(Failure::kLocalLimit, "TLS: " + reason);
    } else if (ERR_GET_LIB(code) == ERR_LIB_SSL &&
               FailOnClientCertAlert(ERR_GET_REASON(code), reason)) {
      // With TLS 1.3 the verdict arrives after the client's handshake is done: on a later read.
    } else if (in_handshake && verify != X509_V_OK) {
      const bool name = verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH;
      std::string text = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
      if (name) text += " (the certificate is not for \"" + *verify_name_ + "\")";
      Fail(name ? Failure::kName : Failure::kCertificate, std::move(text));
    } else if (in_handshake) {
      // What OpenSSL says when the first "record" reads "HTTP/1.1 400 ...".
      const bool plain = ERR_GET_LIB(code) == ERR_LIB_SSL &&
                         (ERR_GET_REASON(code) == SSL_R_WRONG_VERSION_NUMBER ||
                          ERR_GET_REASON(code) == SSL_R_PACKET_LENGTH_TOO_LONG);
      Fail(plain ? Failure::kNotTls : Failure::kOther,
           "TLS handshake failed: " + reason +
               (plain ? " (is the server speaking plain HTTP?)" : ""));
    } else {
      Fail(Failure::kOther, "TLS: " + reason);
    }
  }
  ERR_clear_error();
  return err_no;
}

bool TlsSession::FailOnClientCertAlert(int reason, const std::string& text) {
  if (!cert_requested_) return false;  // no certificate of ours was asked for: not about one
  const bool about_client_cert =
      IsCertificateAlert(reason) ||
      // access_denied says something about the client only once it showed a certificate;
      // handshake_failure is what OpenSSL-based servers answer a missing one with (TLS 1.2).
      (reason == SSL_R_TLSV1_ALERT_ACCESS_DENIED && has_client_cert_) ||
      (reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE && !has_client_cert_);
  if (!about_client_cert) return false;
  Fail(Failure::kClientCert,
       has_client_cert_
           ? "the server refused the client certificate: " + text
           : "the server requires a client certificate and none is set (client_cert): " + text);
  return true;
}

ssize_t TlsSession::ReportPending() {
  if (pending_ == Pending::kEof) return 0;
  errno = pending_errno_;
  return -1;
}

ssize_t TlsSession::Recv(char* buf, size_t len) {
  if (pending_ != Pending::kNone) return ReportPending();
  size_t total = 0;
  while (total < len) {
    size_t n = 0;
    ERR_clear_error();
    if (SSL_read_ex(ssl_, buf + total, len - total, &n) == 1) {
      total += n;
      continue;
    }
    const int e = SSL_get_error(ssl_, 0);
    // WANT_WRITE: a post-handshake message needs a write and the socket is full; the next
    // readable event retries it.
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
    const int err_no = OnError(e, /*in_handshake=*/false);
    pending_ = err_no == 0 ? Pending::kEof : Pending::kError;
    pending_errno_ = err_no;
    break;
  }
  if (total > 0) return static_cast<ssize_t>(total);
  if (pending_ != Pending::kNone) return ReportPending();
  errno = EAGAIN;
  return -1;
}

ssize_t TlsSession::Send(const char* data, size_t len) {
  size_t n = 0;
  ERR_clear_error();
  if (SSL_write_ex(ssl_, data, len, &n) == 1) return static_cast<ssize_t>(n);
  const int e = SSL_get_error(ssl_, 0);
  if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
    errno = EAGAIN;
    return -1;
  }
  int err_no = OnError(e, /*in_handshake=*/false);
  if (err_no != 0 && err_no != EPROTO && ReadClientCertAlert()) err_no = EPROTO;
  errno = err_no == 0 ? EPIPE : err_no;
  return -1;
}

bool TlsSession::ReadClientCertAlert() {
  if (!cert_requested_ || !established_) return false;
  char discard[512];
  size_t n = 0;
  ERR_clear_error();
  bool found = false;
  if (SSL_read_ex(ssl_, discard, sizeof discard, &n) != 1 &&
      SSL_get_error(ssl_, 0) == SSL_ERROR_SSL) {
    unsigned long code = 0;
    const std::string reason = LastSslReason(&code);
    found = ERR_GET_LIB(code) == ERR_LIB_SSL && FailOnClientCertAlert(ERR_GET_REASON(code), reason);
  }
  ERR_clear_error();
  return found;
}

void TlsSession::Reset() {
  if (ssl_ == nullptr) return;
  if (established_ && !broken_) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // queues and tries to send close_notify; the answer is not awaited
    ERR_clear_error();
  } else if (established_) {
    // The peer closed (close_notify, EOF) or reset. Mark the shutdown done without writing:
    // SSL_free would otherwise flag the session as not resumable, and the worker's cached
    // session (the newest ticket) is usually this very one. Fatal TLS errors already made it
    // unresumable when they happened.
    SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  }
  SSL_free(ssl_);
  ssl_ = nullptr;
  socket_ = Socket{};
  established_ = false;
  broken_ = false;
  cert_requested_ = false;
  failure_ = Failure::kNone;
  error_.clear();
  pending_ = Pending::kNone;
  pending_errno_ = 0;
}

// ---- preflight ----------------------------------------------------------------------------

namespace {

// Waits until fd is ready for `events` or deadline_ns passes; false on timeout.
bool WaitFor(int fd, short events, uint64_t deadline_ns) {
  while (true) {
    const uint64_t now = MonotonicNs();
    if (now >= deadline_ns) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>((deadline_ns - now + 999'999) / 1'000'000));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // let the next call report the error
  }
}

}  // namespace

bool ProbeTls(const TlsContext& ctx, const Address& address, uint64_t timeout_ns,
              const std::string& url_text, std::string* err) {
  const uint64_t deadline = MonotonicNs() + timeout_ns;
  const std::string where = "base_url " + url_text + " (" + address.text + ")";
  int err_no = 0;
  const int fd = OpenTcpSocket(address.family, &err_no);
  if (fd < 0) {
    *err = "cannot connect to " + where + ": " + ErrnoText(err_no);
    return false;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.len) != 0) {
    err_no = errno;
    if (err_no == EINPROGRESS) {
      err_no = WaitFor(fd, POLLOUT, deadline) ? 0 : ETIMEDOUT;
      socklen_t len = sizeof err_no;
      if (err_no == 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &err_no, &len);
    }
    if (err_no != 0) {
      close(fd);
      *err = "cannot connect to " + where + ": " + ErrnoText(err_no);
      return false;
    }
  }
  TlsSession session;
  bool ok = false;
  while (true) {
    const TlsSession::Step step = session.Handshake(ctx, fd, nullptr);
    if (step == TlsSession::Step::kDone) {
      ok = true;
      break;
    }
    if (step == TlsSession::Step::kFailed) {
      *err = "TLS handshake with " + where + " failed: " + session.error();
      switch (session.failure()) {
        case TlsSession::Failure::kCertificate:
          *err += "; set ca_file to the CA certificate that issued the server's certificate, or "
                  "insecure: true to skip verification (test servers only)";
          break;
        case TlsSession::Failure::kName:
          *err += "; set server_name to a name the certificate holds, or insecure: true to skip "
                  "verification (test servers only)";
          break;
        case TlsSession::Failure::kNotTls:
          *err += "; if the server speaks plain HTTP there, use http://";
          break;
        case TlsSession::Failure::kClientCert:
          *err +=
              "; set client_cert (and client_key) to a certificate issued by a CA the server "
              "trusts";
          break;
        default:
          if (session.RefusedAlpn()) {
            *err +=
                "; the server does not speak HTTP/2 there (it refused ALPN h2): use protocol: "
                "http1, or enable http2 on the server";
          }
          break;
      }
      break;
    }
    if (!WaitFor(fd, step == TlsSession::Step::kWantRead ? POLLIN : POLLOUT, deadline)) {
      *err = "TLS handshake with " + where + " not complete within " +
             std::to_string(timeout_ns / 1'000'000) + " ms (connect_timeout); is it a TLS port?";
      break;
    }
  }
  session.Reset();
  close(fd);
  return ok;
}

}  // namespace sp::http
