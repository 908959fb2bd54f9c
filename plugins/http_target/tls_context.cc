// Built with Poco NetSSL's Context, as the toolchain intends: it creates the client SSL_CTX,
// loads the trust store (ca_file, or the system's default paths) and sets the protocol floor.
// Three things are then set on the raw SSL_CTX with plain OpenSSL, because Poco's Context gets
// in the way there:
//   - the verify callback and the name check (lib/tls/peer_verify.h, shared with the Prometheus
//     reporter's remote write): Poco installs SSLManager::verifyClientCallback, which routes every
//     failure through the process-wide SSLManager singleton and its InvalidCertificateHandler.
//     Anything else in the process that calls SSLManager::initializeClient (say with an
//     AcceptCertificateHandler) would then silently turn our verification off, and the
//     singleton's events would run on every worker thread. OpenSSL's own chain check (no
//     callback) depends only on this target's options.
//     Poco checks host names after a blocking handshake in SecureSocketImpl, which the event
//     loop does not use; X509_VERIFY_PARAM makes it part of the handshake.
//   - the client session cache: Poco's Context turns session caching off.
#include "plugins/http_target/tls_context.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "lib/tls/peer_verify.h"
#include "plugins/http_target/client_cert.h"

namespace sp::http {

struct TlsContext::Impl {
  Poco::Net::Context::Ptr context;
};

namespace {

// OpenSSL's new-session callback: the SSL's app data is its worker's TlsSessionCache.
int KeepSession(SSL* ssl, SSL_SESSION* session) {
  auto* cache = static_cast<TlsSessionCache*>(SSL_get_app_data(ssl));
  if (cache == nullptr) return 0;  // OpenSSL frees it
  cache->Store(session);
  return 1;  // we hold the reference now
}

}  // namespace

std::unique_ptr<TlsContext> TlsContext::Create(const TargetConfig& config, OptionError* err) {
  const TlsSettings& s = config.tls;
  std::unique_ptr<TlsContext> tls(new TlsContext());
  tls->impl_ = std::make_unique<Impl>();
  tls->verify_ = s.verify;
  tls->resume_ = s.resume;
  tls->verify_name_ = s.server_name.empty() ? config.url.host : s.server_name;
  tls->sni_ = sp::tls::IsIpLiteral(tls->verify_name_) ? "" : tls->verify_name_;

  if (!s.ca_file.empty()) {
    struct stat st {};
    if (stat(s.ca_file.c_str(), &st) != 0) {
      *err = {"ca_file " + s.ca_file + ": " + std::strerror(errno), "ca_file", ""};
      return nullptr;
    }
  }
  Poco::Net::Context::Params params;
  params.caLocation = s.ca_file;               // a PEM bundle (or a hashed CA directory)
  params.loadDefaultCAs = s.ca_file.empty();   // the system store unless ca_file replaces it
  params.verificationMode = s.verify ? Poco::Net::Context::VERIFY_RELAXED  // = SSL_VERIFY_PEER
                                     : Poco::Net::Context::VERIFY_NONE;
  params.cipherList = "DEFAULT";  // OpenSSL's (and the system policy's) choice, not Poco's "ALL:..."
  try {
    tls->impl_->context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    tls->impl_->context->requireMinimumProtocol(s.min_version == TLS1_3_VERSION
                                                    ? Poco::Net::Context::PROTO_TLSV1_3
                                                    : Poco::Net::Context::PROTO_TLSV1_2);
  } catch (const Poco::Exception& e) {
    ERR_clear_error();
    if (!s.ca_file.empty()) {
      *err = {"ca_file " + s.ca_file + " cannot be used as CA certificates (" + e.displayText() +
                  "); give a PEM file of CA certificates",
              "ca_file", ""};
    } else {
      *err = {"cannot set up TLS for " + config.url.text + ": " + e.displayText(), "base_url", ""};
    }
    return nullptr;
  }

  SSL_CTX* ctx = tls->Native();
  if (!s.client_cert.empty() && !InstallClientCertificate(s, ctx, err)) return nullptr;
  tls->has_client_cert_ = !s.client_cert.empty();
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);  // insecure: true
  if (s.verify && !sp::tls::VerifyPeer(ctx, tls->verify_name_)) {
    *err = {"cannot verify certificates against the name \"" + tls->verify_name_ + "\"",
            s.server_name.empty() ? "base_url" : "server_name", ""};
    return nullptr;
  }
  // Requests are written from a buffer that stays put; partial writes let write_offset advance
  // record by record. A server closing without close_notify is treated as EOF: the HTTP parser
  // decides whether the response was complete, as it does for plain TCP.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_read_ahead(ctx, 1);  // fewer recv calls: whole socket reads, not record by record
  if (config.http2) {
    // protocol: http2 offers only "h2" by ALPN; a server that selects nothing is refused by the
    // worker (h2_pool_io.cc), never spoken to in HTTP/1.1.
    static const unsigned char kH2[] = {2, 'h', '2'};
    if (SSL_CTX_set_alpn_protos(ctx, kH2, sizeof kH2) != 0) {
      *err = {"https: cannot offer ALPN h2 (OpenSSL)", "protocol", ""};
      return nullptr;
    }
  }
  if (s.resume) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, KeepSession);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);  // full handshakes only
  }
  return tls;
}

TlsContext::~TlsContext() = default;

SSL_CTX* TlsContext::Native() const { return impl_->context->sslContext(); }

TlsSessionCache::~TlsSessionCache() {
  if (session_ != nullptr) SSL_SESSION_free(session_);
}

void TlsSessionCache::Store(SSL_SESSION* session) {
  if (session_ != nullptr) SSL_SESSION_free(session_);
  session_ = session;
}

}  // namespace sp::http
