// The client certificate of mutual TLS: client_cert (a PEM certificate, then optionally its
// intermediate CAs), client_key (its PEM private key, or the same file) and client_key_password,
// read and checked once when the target is created, then set on the target's SSL_CTX so that
// every connection presents it to a server that asks.
//
// Every refusal names the option and the file: a file that cannot be read, one without a PEM
// certificate or key, an encrypted key without (or with the wrong) password, a key that is not
// the certificate's. The password itself never appears in a message.
#pragma once

#include "plugins/http_target/option_error.h"
#include "plugins/http_target/tls_options.h"

struct ssl_ctx_st;

namespace sp::http {

// Loads s.client_cert / s.client_key into `ctx` (s.client_cert must be set). false: *err says
// what is wrong, with option client_cert, client_key or client_key_password.
bool InstallClientCertificate(const TlsSettings& s, ssl_ctx_st* ctx, OptionError* err);

}  // namespace sp::http
