// Throwaway certificates for the TLS tests, made with OpenSSL's C API when first needed: a CA,
// and server certificates (EC P-256) it signs or that sign themselves. Nothing touches the
// network or the system's trust store; the CA certificate is written to a temporary PEM file for
// the target's ca_file.
#pragma once

#include <openssl/ssl.h>

#include <string>

namespace sp::http::test {

enum class ServerCert {
  kSignedByCa,     // CA-signed, for DNS:localhost, IP:127.0.0.1 and IP:::1
  kSelfSigned,     // self-signed, for the same names
  kOtherName,      // CA-signed, for DNS:stressplan.test only
};

// The CA certificate as a PEM file (created once per test process, removed at exit).
const std::string& TestCaFile();

// A new server SSL_CTX presenting `cert`; the caller frees it (SSL_CTX_free). max_version 0
// allows every version OpenSSL supports; TLS1_2_VERSION makes a TLS 1.2-only server.
SSL_CTX* MakeServerCtx(ServerCert cert, int max_version = 0);

}  // namespace sp::http::test
