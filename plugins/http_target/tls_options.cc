#include "plugins/http_target/tls_options.h"

#include <string_view>

#include "plugins/http_target/options.h"

namespace sp::http {
namespace {

std::string_view TextOf(const sp_option_value* v) {
  return v == nullptr || v->s.ptr == nullptr ? std::string_view() : std::string_view(v->s.ptr, v->s.len);
}

// A DNS name or an IP literal: what SNI and the certificate check can use.
bool IsServerName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// client_cert, client_key, client_key_password: a key or a password is of no use without the
// certificate they go with.
bool ReadClientCertOptions(const sp_options* options, TlsSettings* out, OptionError* err) {
  out->client_cert = TextOf(OptionValue(options, kClientCert));
  out->client_key = TextOf(OptionValue(options, kClientKey));
  out->client_key_password = TextOf(OptionValue(options, kClientKeyPassword));
  if (!out->client_cert.empty()) return true;
  const char* orphan = !out->client_key.empty()            ? "client_key"
                       : !out->client_key_password.empty() ? "client_key_password"
                                                           : nullptr;
  if (orphan == nullptr) return true;
  *err = {std::string(orphan) +
              " is set but client_cert is not; set client_cert to the PEM file "
              "of the client certificate",
          orphan, ""};
  return false;
}

}  // namespace

bool ReadTlsOptions(const sp_options* options, TlsSettings* out, OptionError* err) {
  if (const sp_option_value* v = OptionValue(options, kInsecure)) out->verify = v->b == 0;
  if (const sp_option_value* v = OptionValue(options, kCaFile)) out->ca_file = TextOf(v);
  if (const sp_option_value* v = OptionValue(options, kServerName)) {
    const std::string_view name = TextOf(v);
    if (!IsServerName(name)) {
      *err = {"server_name \"" + std::string(name) + "\" is not a host name (letters, digits, '-', "
              "'.'; no scheme, port or path)", "server_name", ""};
      return false;
    }
    out->server_name = name;
  }
  if (const sp_option_value* v = OptionValue(options, kTlsMinVersion)) {
    const std::string_view version = TextOf(v);
    if (version == "1.2") {
      out->min_version = 0x0303;
    } else if (version == "1.3") {
      out->min_version = 0x0304;
    } else {
      *err = {"tls_min_version \"" + std::string(version) + "\" is not supported; use \"1.2\" or "
              "\"1.3\"", "tls_min_version", ""};
      return false;
    }
  }
  if (const sp_option_value* v = OptionValue(options, kTlsResume)) out->resume = v->b != 0;
  return ReadClientCertOptions(options, out, err);
}

}  // namespace sp::http
