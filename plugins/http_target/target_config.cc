#include "plugins/http_target/target_config.h"

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "lib/http1/syntax.h"
#include "plugins/http_target/options.h"

namespace sp::http {
namespace {

// "host:port" as a `resolve` key names base_url ("[::1]:443" for an IPv6 literal).
std::string HostPort(const BaseUrl& url) {
  const bool v6 = url.host.find(':') != std::string::npos;
  return (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

bool ReadTimeout(const sp_options* options, TargetOption k, uint64_t* out, OptionError* err) {
  const sp_option_value* v = OptionValue(options, k);
  if (v == nullptr) return true;  // the built-in default stands
  if (v->i <= 0) {
    *err = {std::string(kTargetOptionDecls[k].name) + " must be greater than zero (e.g. \"" +
                kTargetOptionDecls[k].default_value + "\")",
            kTargetOptionDecls[k].name, ""};
    return false;
  }
  *out = static_cast<uint64_t>(v->i);
  return true;
}

// cookies and cookies_reset, and base_url's origin as the jar compares it.
bool ReadCookieOptions(const sp_options* options, TargetConfig* out, OptionError* err) {
  if (const sp_option_value* v = OptionValue(options, kCookies)) out->cookies = v->b != 0;
  if (const sp_option_value* v = OptionValue(options, kCookiesReset); v != nullptr && v->s.ptr) {
    const std::string_view text(v->s.ptr, v->s.len);
    if (text != "iteration" && text != "never") {
      *err = {"cookies_reset must be iteration or never, got \"" + std::string(text) + "\"",
              "cookies_reset", ""};
      return false;
    }
    out->cookies_reset_iteration = text == "iteration";
  }
  std::string why;
  if (!cookies::Origin::Make(out->url.tls ? "https" : "http", out->url.host, &out->origin, &why)) {
    *err = {why, "base_url", ""};
    return false;
  }
  return true;
}

// `resolve`: {"host:port": "address"}. The one entry that names base_url's host and port sets
// connect_host; an entry for any other host:port is refused (a target talks to one), as is an
// address that is not an IP literal.
bool ReadResolve(const sp_options* options, TargetConfig* out, OptionError* err) {
  out->connect_host = out->url.host;
  const sp_option_value* v = OptionValue(options, kResolve);
  if (v == nullptr || v->s.ptr == nullptr) return true;
  const auto map = nlohmann::json::parse(std::string_view(v->s.ptr, v->s.len), nullptr, false);
  if (map.is_discarded() || !map.is_object()) {
    *err = {
        "resolve must be a map of \"host:port\" to an address, e.g. {\"shop.test:443\": "
        "127.0.0.1}",
        "resolve", ""};
    return false;
  }
  const std::string wanted = HostPort(out->url);
  for (const auto& [key, address] : map.items()) {
    std::string at = "/";  // not "/" + token: GCC 12 warns on it (a -Wrestrict false positive)
    at += JsonPointerToken(key);
    if (!http1::IEquals(key, wanted)) {
      *err = {"resolve: \"" + key + "\" is not base_url's host and port (" + wanted + ")",
              "resolve", at};
      return false;
    }
    std::string text = address.is_string() ? address.get<std::string>() : "";
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
      text = text.substr(1, text.size() - 2);
    }
    in6_addr probe{};
    if (inet_pton(AF_INET, text.c_str(), &probe) != 1 &&
        inet_pton(AF_INET6, text.c_str(), &probe) != 1) {
      *err = {"resolve: the address for \"" + key + "\" must be an IPv4 or IPv6 address", "resolve",
              at};
      return false;
    }
    out->connect_host = text;
  }
  return true;
}

// protocol and max_streams (HTTP/2).
bool ReadProtocol(const sp_options* options, TargetConfig* out, OptionError* err) {
  if (const sp_option_value* v = OptionValue(options, kProtocol); v != nullptr && v->s.ptr) {
    const std::string_view text(v->s.ptr, v->s.len);
    if (text != "http1" && text != "http2") {
      *err = {"protocol must be http1 or http2, got \"" + std::string(text) + "\"", "protocol", ""};
      return false;
    }
    out->http2 = text == "http2";
  }
  if (const sp_option_value* v = OptionValue(options, kMaxStreams); v != nullptr) {
    if (v->i < 1 || v->i > 1'000'000) {
      *err = {"max_streams must be between 1 and 1000000, got " + std::to_string(v->i),
              "max_streams", ""};
      return false;
    }
    if (v->i > 1 && !out->http2) {
      *err = {
          "max_streams above 1 needs protocol: http2 (HTTP/1.1 carries one request at a time "
          "per connection)",
          "max_streams", ""};
      return false;
    }
    out->max_streams = static_cast<uint32_t>(v->i);
  }
  return true;
}

}  // namespace

bool ReadMaxRedirects(const sp_option_value& v, const std::string& option,
                      const std::string& pointer, uint32_t* out, OptionError* err) {
  if (v.i < 0 || v.i > kMaxRedirectsLimit) {
    *err = {"max_redirects must be between 0 (do not follow redirects) and " +
                std::to_string(kMaxRedirectsLimit) + ", got " + std::to_string(v.i),
            option, pointer};
    return false;
  }
  *out = static_cast<uint32_t>(v.i);
  return true;
}

bool CompileTargetOptions(const sp_options* options, TargetConfig* out, OptionError* err) {
  const sp_option_value* url = OptionValue(options, kBaseUrl);
  if (url == nullptr || url->s.ptr == nullptr) {
    *err = {"base_url is required (e.g. base_url: http://127.0.0.1:8080)", "base_url", ""};
    return false;
  }
  std::string why;
  if (!ParseBaseUrl(std::string_view(url->s.ptr, url->s.len), &out->url, &why)) {
    *err = {why, "base_url", ""};
    return false;
  }
  if (!ReadTimeout(options, kConnectTimeout, &out->connect_timeout_ns, err)) return false;
  if (!ReadTimeout(options, kResponseTimeout, &out->response_timeout_ns, err)) return false;
  if (const sp_option_value* h = OptionValue(options, kTargetHeaders); h != nullptr) {
    if (!ParseHeaders(std::string_view(h->s.ptr, h->s.len), "headers", "", &out->headers, err)) {
      return false;
    }
  }
  if (const sp_option_value* m = OptionValue(options, kMaxConnections); m != nullptr) {
    if (m->i < 0 || m->i > 1'000'000) {
      *err = {"max_connections must be between 0 (no limit) and 1000000, got " + std::to_string(m->i),
              "max_connections", ""};
      return false;
    }
    out->max_connections = static_cast<uint32_t>(m->i);
  }
  if (!ReadTlsOptions(options, &out->tls, err)) return false;
  if (!ReadCookieOptions(options, out, err)) return false;
  if (const sp_option_value* m = OptionValue(options, kMaxRedirects); m != nullptr) {
    if (!ReadMaxRedirects(*m, "max_redirects", "", &out->max_redirects, err)) return false;
  }
  if (!ReadProtocol(options, out, err)) return false;
  if (!ReadResolve(options, out, err)) return false;
  return ReadLocalAddresses(options, out->connect_host, &out->local_addresses, err);
}

}  // namespace sp::http
