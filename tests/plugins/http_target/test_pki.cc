#include "test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace sp::http::test {
namespace {

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("test_pki: EC key generation failed");
  return key;
}

void AddExt(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (ext == nullptr) throw std::runtime_error(std::string("test_pki: bad extension ") + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key`, signed by issuer_key (issuer nullptr: self-signed); a leaf is for
// serverAuth unless `client`.
X509* NewCert(EVP_PKEY* key, const char* cn, bool ca, const char* sans, X509* issuer,
              EVP_PKEY* issuer_key, bool client = false) {
  static long serial = 1;
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("stressplan tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert, cert, nullptr, nullptr, 0);
  AddExt(cert, &ctx, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExt(cert, &ctx, NID_key_usage,
         ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
  AddExt(cert, &ctx, NID_subject_key_identifier, "hash");
  if (!ca) AddExt(cert, &ctx, NID_ext_key_usage, client ? "clientAuth" : "serverAuth");
  if (sans != nullptr) AddExt(cert, &ctx, NID_subject_alt_name, sans);
  if (X509_sign(cert, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    throw std::runtime_error("test_pki: signing failed");
  }
  return cert;
}

// Writes `write` into a new temporary file named after `stem`; returns its path.
template <class Write>
std::string TempPem(const char* stem, Write write) {
  std::string path = std::string("/tmp/stressplan-test-") + stem + "-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) throw std::runtime_error("test_pki: mkstemp failed");
  FILE* f = fdopen(fd, "w");
  write(f);
  fclose(f);
  return path;
}

void WriteKey(FILE* f, EVP_PKEY* key, const char* password) {
  const EVP_CIPHER* cipher = password != nullptr ? EVP_aes_256_cbc() : nullptr;
  if (PEM_write_PKCS8PrivateKey(f, key, cipher, nullptr, 0, nullptr, const_cast<char*>(password)) !=
      1) {
    throw std::runtime_error("test_pki: cannot write a key");
  }
}

// The client side of mutual TLS: a certificate from the test CA, and one from another CA.
struct ClientPki {
  ClientCertFiles files;

  ClientPki(X509* ca, EVP_PKEY* ca_key) {
    EVP_PKEY* key = NewKey();
    X509* cert = NewCert(key, "stressplan test client", false, nullptr, ca, ca_key, true);
    EVP_PKEY* other_ca_key = NewKey();
    X509* other_ca = NewCert(other_ca_key, "another CA", true, nullptr, nullptr, nullptr);
    EVP_PKEY* other_key = NewKey();
    X509* other = NewCert(other_key, "stranger", false, nullptr, other_ca, other_ca_key, true);
    files.cert = TempPem("client-cert", [&](FILE* f) { PEM_write_X509(f, cert); });
    files.key = TempPem("client-key", [&](FILE* f) { WriteKey(f, key, nullptr); });
    files.encrypted_key =
        TempPem("client-key-enc", [&](FILE* f) { WriteKey(f, key, kClientKeyPassword); });
    files.combined = TempPem("client-both", [&](FILE* f) {
      WriteKey(f, key, nullptr);
      PEM_write_X509(f, cert);
    });
    files.other_ca_cert = TempPem("stranger-cert", [&](FILE* f) { PEM_write_X509(f, other); });
    files.other_ca_key = TempPem("stranger-key", [&](FILE* f) { WriteKey(f, other_key, nullptr); });
    for (X509* c : {cert, other_ca, other}) X509_free(c);
    for (EVP_PKEY* k : {key, other_ca_key, other_key}) EVP_PKEY_free(k);
    WriteChained(ca, ca_key);
  }

  // A leaf whose issuer is an intermediate CA: servers that trust only the test CA accept it
  // when the intermediate is sent along.
  void WriteChained(X509* ca, EVP_PKEY* ca_key) {
    EVP_PKEY* middle_key = NewKey();
    X509* middle = NewCert(middle_key, "intermediate CA", true, nullptr, ca, ca_key);
    EVP_PKEY* key = NewKey();
    X509* leaf = NewCert(key, "chained client", false, nullptr, middle, middle_key, true);
    files.chained_cert = TempPem("chained-cert", [&](FILE* f) {
      PEM_write_X509(f, leaf);
      PEM_write_X509(f, middle);
    });
    files.unchained_cert = TempPem("unchained-cert", [&](FILE* f) { PEM_write_X509(f, leaf); });
    files.chained_key = TempPem("chained-key", [&](FILE* f) { WriteKey(f, key, nullptr); });
    for (X509* c : {middle, leaf}) X509_free(c);
    for (EVP_PKEY* k : {middle_key, key}) EVP_PKEY_free(k);
  }
  ~ClientPki() {
    for (const std::string* p :
         {&files.cert, &files.key, &files.encrypted_key, &files.combined, &files.other_ca_cert,
          &files.other_ca_key, &files.chained_cert, &files.unchained_cert, &files.chained_key}) {
      std::remove(p->c_str());
    }
  }
};

struct Pki {
  EVP_PKEY* ca_key = nullptr;
  X509* ca = nullptr;
  EVP_PKEY* server_key = nullptr;
  X509* signed_cert = nullptr;
  X509* self_signed = nullptr;
  X509* other_name = nullptr;
  std::string ca_file;

  Pki() {
    ca_key = NewKey();
    ca = NewCert(ca_key, "stressplan test CA", true, nullptr, nullptr, nullptr);
    server_key = NewKey();
    const char* local = "DNS:localhost,IP:127.0.0.1,IP:::1";
    signed_cert = NewCert(server_key, "localhost", false, local, ca, ca_key);
    self_signed = NewCert(server_key, "localhost", false, local, nullptr, nullptr);
    other_name = NewCert(server_key, "stressplan.test", false, "DNS:stressplan.test", ca, ca_key);

    ca_file = TempPem("ca", [this](FILE* f) { PEM_write_X509(f, ca); });
  }
  // Keys and certificates stay allocated until exit (reachable, so no leak report): freeing
  // them here could run after OpenSSL's own atexit cleanup.
  ~Pki() { std::remove(ca_file.c_str()); }
};

Pki& SharedPki() {
  static Pki instance;
  return instance;
}

}  // namespace

const std::string& TestCaFile() { return SharedPki().ca_file; }

const ClientCertFiles& TestClientCerts() {
  static const ClientPki instance(SharedPki().ca, SharedPki().ca_key);
  return instance.files;
}

void RequireClientCert(SSL_CTX* ctx) {
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), SharedPki().ca);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
}

SSL_CTX* MakeServerCtx(ServerCert which, int max_version) {
  Pki& p = SharedPki();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  X509* cert = which == ServerCert::kSelfSigned  ? p.self_signed
               : which == ServerCert::kOtherName ? p.other_name
                                                 : p.signed_cert;
  if (ctx == nullptr || SSL_CTX_use_certificate(ctx, cert) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, p.server_key) != 1) {
    throw std::runtime_error("test_pki: cannot set up the server context");
  }
  if (max_version != 0) SSL_CTX_set_max_proto_version(ctx, max_version);
  return ctx;
}

}  // namespace sp::http::test
