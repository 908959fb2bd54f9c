// Throwaway certificates for the TLS tests, made with OpenSSL's C API when first needed: a CA,
// and server certificates (EC P-256) it signs or that sign themselves; for mutual TLS, a client
// certificate the CA signs and one a second CA signs. Nothing touches the network or the
// system's trust store; certificates and keys are written to temporary PEM files for the
// target's ca_file, client_cert and client_key.
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

// Client certificates as PEM files (created once per test process, removed at exit).
struct ClientCertFiles {
  std::string cert;           // signed by the test CA (TestCaFile)
  std::string key;            // its key, unencrypted
  std::string encrypted_key;  // the same key, encrypted with kClientKeyPassword
  std::string combined;       // the key, then the certificate, in one file
  std::string other_ca_cert;  // signed by a second CA that no test server trusts
  std::string other_ca_key;   // its key
  std::string chained_cert;   // signed by an intermediate CA the test CA signs, then that CA
  std::string unchained_cert;  // the same leaf alone (a server cannot link it to the test CA)
  std::string chained_key;     // their key
};
constexpr const char* kClientKeyPassword = "pw-3c1d9e-client-key";
const ClientCertFiles& TestClientCerts();

// Makes `ctx` (a server's) require a client certificate issued by the test CA: without one the
// handshake fails, as with OpenSSL's SSL_VERIFY_FAIL_IF_NO_PEER_CERT.
void RequireClientCert(SSL_CTX* ctx);

}  // namespace sp::http::test
