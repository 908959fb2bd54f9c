// How a TLS client of ours verifies its server: the chain (against whatever trust store the
// SSL_CTX was given) and the server's name or IP address, both by OpenSSL during the handshake.
// Shared by the HTTP target's https:// contexts and the Prometheus reporter's remote write, so
// the two never differ in what they accept (no partial wildcards such as "f*.example.com").
//
// The verify callback is OpenSSL's own (SSL_CTX_set_verify with none): Poco's routes failures
// through its process-wide SSLManager, which wants a Poco::Util::Application to configure
// itself, and skips the name check for loopback names unless VERIFY_STRICT.
#pragma once

#include <string>

struct ssl_ctx_st;

namespace sp::tls {

// An IPv4 or IPv6 address literal ("127.0.0.1", "::1"): verified as an address, and never sent
// as SNI (RFC 6066 allows host names only).
bool IsIpLiteral(const std::string& host);

// Makes `ctx` verify the peer's chain and `name`: an IP address literal is checked against the
// certificate's IP addresses, anything else as a host name. False (OpenSSL's error queue
// cleared) when OpenSSL cannot take `name`.
bool VerifyPeer(ssl_ctx_st* ctx, const std::string& name);

}  // namespace sp::tls
