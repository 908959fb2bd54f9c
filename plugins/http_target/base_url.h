// The target's base_url: http[s]://host[:port][/prefix].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sp::http {

struct BaseUrl {
  std::string host;         // as resolved: a name, an IPv4 literal or an IPv6 literal without []
  uint16_t port = 80;       // 80 for http://, 443 for https:// unless given
  bool tls = false;         // https://: every connection speaks TLS (tls_context.h)
  std::string host_header;  // the Host: value: host as written (with [] for IPv6), ":port" unless
                            // the scheme's default port
  std::string prefix;       // "" or "/api" - never ends with '/'; prepended to each request path
  std::string text;         // normalised "http[s]://host:port/prefix" for messages
};

// Parses `url`. On failure returns false and says why in *err (one sentence, naming the fix).
bool ParseBaseUrl(std::string_view url, BaseUrl* out, std::string* err);

}  // namespace sp::http
