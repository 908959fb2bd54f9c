// The target options that shape https:// connections (insecure, ca_file, server_name,
// tls_min_version, tls_resume, client_cert, client_key, client_key_password), checked and typed.
// They are read for every base_url and used only when it is https://.
#pragma once

#include <string>

#include "plugins/http_target/option_error.h"
#include "stressplan/plugin.h"

namespace sp::http {

struct TlsSettings {
  bool verify = true;        // !insecure: check the certificate chain and the host name
  std::string ca_file;       // PEM bundle trusted instead of the system store; "" = system store
  std::string server_name;   // SNI and verification name; "" = base_url's host
  int min_version = 0x0303;  // TLS1_2_VERSION or TLS1_3_VERSION
  bool resume = true;        // resume TLS sessions on new connections (session tickets / ids)
  // Mutual TLS (client_cert.h loads them): "" = no client certificate. The password is never
  // put in a message or a log line.
  std::string client_cert;          // PEM certificate, then optionally its chain
  std::string client_key;           // PEM private key; "" = in client_cert's file
  std::string client_key_password;  // for an encrypted client_key; "" = none
};

// Reads the TLS options the host resolved against kTargetOptionDecls; unset ones keep the
// defaults above. The files are not read here (they matter only for https://, see
// TlsContext::Create), but client_key or client_key_password without client_cert is refused.
bool ReadTlsOptions(const sp_options* options, TlsSettings* out, OptionError* err);

}  // namespace sp::http
