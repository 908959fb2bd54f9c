#include "plugins/http_target/base_url.h"

#include "lib/http1/syntax.h"

namespace sp::http {
namespace {

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool IsPathChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u != 0x7f && c != '?' && c != '#';
}

// host and port_text of an authority: "host", "host:port", "[v6]", "[v6]:port".
bool SplitAuthority(std::string_view authority, std::string_view* host, std::string_view* port_text,
                    bool* has_port, std::string* err) {
  if (authority.empty() || authority.front() != '[') {
    const size_t colon = authority.find(':');
    *host = authority.substr(0, colon);
    *has_port = colon != std::string_view::npos;
    if (*has_port) *port_text = authority.substr(colon + 1);
    for (char c : *host) {
      if (!IsHostChar(c)) {
        *err = "base_url host \"" + std::string(*host) + "\" contains a character not allowed "
               "in a host name";
        return false;
      }
    }
    return true;
  }
  const size_t close = authority.find(']');
  if (close == std::string_view::npos) {
    *err = "base_url has an IPv6 address without its closing ']'";
    return false;
  }
  *host = authority.substr(1, close - 1);
  const std::string_view after = authority.substr(close + 1);
  if (!after.empty() && after.front() != ':') {
    *err = "base_url has unexpected text after the IPv6 address";
    return false;
  }
  *has_port = !after.empty();
  if (*has_port) *port_text = after.substr(1);
  for (char c : *host) {
    if (!(IsHostChar(c) || c == ':' || c == '%')) {
      *err = "base_url has an invalid IPv6 address";
      return false;
    }
  }
  return true;
}

bool ParsePort(std::string_view text, uint32_t* port, std::string* err) {
  *err = "base_url port must be a number from 1 to 65535";
  if (text.empty() || text.size() > 5) return false;
  uint32_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  if (n == 0 || n > 65535) return false;
  err->clear();
  *port = n;
  return true;
}

// The scheme ("http" or "https"), the authority and the path of a base_url.
bool SplitUrl(std::string_view url, bool* tls, std::string_view* authority, std::string_view* path,
              std::string* err) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    *err = "base_url \"" + std::string(url) + "\" must start with http:// or https:// (e.g. "
           "http://127.0.0.1:8080)";
    return false;
  }
  const std::string_view scheme = url.substr(0, sep);
  *tls = http1::IEquals(scheme, "https");
  if (!*tls && !http1::IEquals(scheme, "http")) {
    *err = "base_url scheme \"" + std::string(scheme) + "\" is not supported; use http:// or https://";
    return false;
  }
  const std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    *err = "base_url must not have a query or fragment; put them in each request's path";
    return false;
  }
  const size_t slash = rest.find('/');
  *authority = rest.substr(0, slash);
  *path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority->find('@') != std::string_view::npos) {
    *err = "base_url must not contain credentials (user@host); send them in an Authorization "
           "header instead";
    return false;
  }
  return true;
}

bool CheckPath(std::string_view path, std::string* err) {
  for (char c : path) {
    if (!IsPathChar(c)) {
      *err = "base_url path must not contain spaces or control characters; percent-encode them";
      return false;
    }
  }
  return true;
}

}  // namespace

bool ParseBaseUrl(std::string_view url, BaseUrl* out, std::string* err) {
  bool tls = false;
  std::string_view authority, path, host, port_text;
  bool has_port = false;
  if (!SplitUrl(url, &tls, &authority, &path, err) ||
      !SplitAuthority(authority, &host, &port_text, &has_port, err)) {
    return false;
  }
  if (host.empty()) {
    *err = "base_url \"" + std::string(url) + "\" has no host";
    return false;
  }
  const uint32_t default_port = tls ? 443 : 80;
  uint32_t port = default_port;
  if (has_port && !ParsePort(port_text, &port, err)) return false;
  if (!CheckPath(path, err)) return false;
  std::string_view prefix = path;
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);

  out->host = std::string(host);
  out->port = static_cast<uint16_t>(port);
  const bool v6 = out->host.find(':') != std::string::npos;
  const std::string bracketed = v6 ? "[" + out->host + "]" : out->host;
  out->tls = tls;
  out->host_header = port == default_port ? bracketed : bracketed + ":" + std::to_string(port);
  out->prefix = std::string(prefix);
  out->text = (tls ? "https://" : "http://") + bracketed + ":" + std::to_string(port) + out->prefix;
  return true;
}

}  // namespace sp::http
