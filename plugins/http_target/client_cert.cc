// Read with PEM_read_bio_* from memory rather than SSL_CTX_use_certificate_chain_file and
// friends: the file is read once with a clear errno, and each failure (no certificate, no key,
// password, mismatch) gets its own message instead of OpenSSL's error queue. The password
// callback is always ours, so an encrypted key without a password fails instead of OpenSSL
// prompting on the terminal.
#include "plugins/http_target/client_cert.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace sp::http {
namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// The whole file, or false with *why = strerror.
bool ReadWholeFile(const std::string& path, std::string* out, std::string* why) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *why = std::strerror(errno);
    return false;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err_no = errno;
  std::fclose(f);
  if (failed) *why = std::strerror(err_no);
  return !failed;
}

BioPtr MemoryBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free);
}

// What OpenSSL's PEM reader asks for an encrypted key: the configured password, if any.
struct PasswordRequest {
  const std::string* password;
  bool asked = false;
};

int GivePassword(char* buf, int size, int /*rwflag*/, void* arg) {
  auto* request = static_cast<PasswordRequest*>(arg);
  request->asked = true;
  const std::string& password = *request->password;
  if (password.empty() || password.size() > static_cast<size_t>(size)) return 0;
  std::memcpy(buf, password.data(), password.size());
  return static_cast<int>(password.size());
}

// The leaf certificate and the chain after it; refusals name client_cert.
bool LoadCertificates(const std::string& path, const std::string& pem, SSL_CTX* ctx,
                      OptionError* err) {
  BioPtr bio = MemoryBio(pem);
  X509Ptr leaf(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, X509_free);
  if (!leaf) {
    *err = {"client_cert " + path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            "client_cert", ""};
    return false;
  }
  if (SSL_CTX_use_certificate(ctx, leaf.get()) != 1) {
    const char* reason = ERR_reason_error_string(ERR_peek_last_error());
    *err = {"client_cert " + path + ": the certificate cannot be used (" +
                (reason != nullptr ? reason : "unknown error") + ")",
            "client_cert", ""};
    return false;
  }
  // Intermediate CAs that follow the leaf are sent with it, so the server needs only the root.
  while (X509* next = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, next) != 1) {
      X509_free(next);
      *err = {"client_cert " + path + ": a chain certificate cannot be used", "client_cert", ""};
      return false;
    }
  }
  return true;
}

// The private key from `pem` (the text of key_path). `option` is the one a refusal names.
bool LoadKey(const std::string& key_path, const std::string& pem, const TlsSettings& s,
             const char* option, SSL_CTX* ctx, OptionError* err) {
  BioPtr bio = MemoryBio(pem);
  PasswordRequest request{&s.client_key_password};
  KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, GivePassword, &request) : nullptr,
             EVP_PKEY_free);
  if (!key) {
    if (request.asked && s.client_key_password.empty()) {
      *err = {std::string(option) + " " + key_path +
                  " is encrypted; set client_key_password (from a variable listed in secrets:)",
              "client_key_password", ""};
    } else if (request.asked) {
      *err = {"client_key_password does not decrypt the key in " + key_path, "client_key_password",
              ""};
    } else {
      *err = {std::string(option) + " " + key_path +
                  " holds no PEM private key (-----BEGIN PRIVATE KEY-----)" +
                  (s.client_key.empty() ? "; set client_key to the key's file" : ""),
              option, ""};
    }
    return false;
  }
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    *err = {std::string(option) + " " + key_path +
                ": the private key does not match the certificate in client_cert " + s.client_cert,
            option, ""};
    return false;
  }
  return true;
}

}  // namespace

bool InstallClientCertificate(const TlsSettings& s, SSL_CTX* ctx, OptionError* err) {
  std::string cert_pem, why;
  if (!ReadWholeFile(s.client_cert, &cert_pem, &why)) {
    *err = {"client_cert " + s.client_cert + ": " + why, "client_cert", ""};
    return false;
  }
  ERR_clear_error();
  bool ok = LoadCertificates(s.client_cert, cert_pem, ctx, err);
  if (ok && s.client_key.empty()) {
    ok = LoadKey(s.client_cert, cert_pem, s, "client_cert", ctx, err);
  } else if (ok) {
    std::string key_pem;
    if (!ReadWholeFile(s.client_key, &key_pem, &why)) {
      *err = {"client_key " + s.client_key + ": " + why, "client_key", ""};
      ok = false;
    } else {
      ok = LoadKey(s.client_key, key_pem, s, "client_key", ctx, err);
    }
  }
  ERR_clear_error();  // the reader's "no start line" after the last certificate, and failures
  return ok;
}

}  // namespace sp::http
