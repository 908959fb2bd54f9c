// The client-side TLS setup of one https:// target, shared by all its workers: the trust store,
// verification of the certificate chain and the server name, the protocol versions, and the
// hook that lets each worker keep a session to resume.
//
// OpenSSL allows creating SSL objects from one SSL_CTX on any thread; nothing here changes after
// create, so workers share it without locks. Poco's headers stay out of this header: Poco pushes
// compile definitions (_XOPEN_SOURCE=500, ...) onto every file that includes them.
#pragma once

#include <memory>
#include <string>

#include "plugins/http_target/option_error.h"
#include "plugins/http_target/target_config.h"

struct ssl_ctx_st;
struct ssl_session_st;

namespace sp::http {

class TlsContext {
 public:
  // Builds the context for config.url (https://) and config.tls. A ca_file that does not exist
  // or holds no usable certificate is refused with option "ca_file"; a client certificate that
  // cannot be used, with the option at fault (client_cert.h).
  static std::unique_ptr<TlsContext> Create(const TargetConfig& config, OptionError* err);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl_ctx_st* Native() const;
  // The name sent as SNI: server_name or the URL's host; "" when that is an IP address (RFC 6066
  // allows no IP literals in SNI).
  const std::string& sni() const { return sni_; }
  // The name (or IP address) the certificate must match.
  const std::string& verify_name() const { return verify_name_; }
  bool verify() const { return verify_; }
  bool resume() const { return resume_; }
  // client_cert is set: connections present it when the server asks.
  bool has_client_cert() const { return has_client_cert_; }

 private:
  TlsContext() = default;

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string sni_;
  std::string verify_name_;
  bool verify_ = true;
  bool resume_ = true;
  bool has_client_cert_ = false;
};

// One worker's TLS session to resume on its next new connection: the newest one the server
// issued (TLS 1.3 tickets arrive after the handshake, so it is filled from OpenSSL's new-session
// callback rather than read after connecting). Single-threaded, like its worker.
class TlsSessionCache {
 public:
  TlsSessionCache() = default;
  ~TlsSessionCache();
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;

  // Borrowed; nullptr when there is none yet.
  ssl_session_st* get() const { return session_; }
  // Takes over the caller's reference.
  void Store(ssl_session_st* session);

 private:
  ssl_session_st* session_ = nullptr;
};

}  // namespace sp::http
