#include "lib/cookies/origin.h"

#include "lib/cookies/matching.h"
#include "lib/http1/syntax.h"

namespace sp::cookies {
namespace {

bool IsHostCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == ':' || c == '%';
}

}  // namespace

bool Origin::Make(std::string_view scheme, std::string_view host, Origin* out, std::string* err) {
  const bool https = http1::IEquals(scheme, "https");
  if (!https && !http1::IEquals(scheme, "http")) {
    *err = "cookies: the scheme \"" + std::string(scheme) + "\" is not http or https";
    return false;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  bool valid = !host.empty();
  for (char c : host) valid = valid && IsHostCharacter(c);
  if (!valid) {
    *err = "cookies: the host \"" + std::string(host) +
           "\" is empty or has a character other than letters, digits, '-', '.', '_', ':' and "
           "'%'";
    return false;
  }
  out->secure_ = https;
  out->host_ = CanonicalDomain(host);
  out->host_is_ip_ = IsIpLiteral(out->host_);
  return true;
}

bool ParseUrl(std::string_view url, Origin* origin, std::string* target, std::string* err) {
  const size_t scheme_end = url.find("://");
  const size_t authority_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const size_t authority_end = url.find_first_of("/?#", authority_start);
  const std::string_view authority = url.substr(
      authority_start, authority_end == std::string_view::npos ? std::string_view::npos
                                                               : authority_end - authority_start);
  // The port is after the last ':' that follows the host (an IPv6 literal is bracketed).
  const size_t bracket = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  const std::string_view host = has_port ? authority.substr(0, colon) : authority;
  const std::string_view port = has_port ? authority.substr(colon + 1) : std::string_view();
  bool port_ok = !has_port || !port.empty();
  for (char c : port) port_ok = port_ok && c >= '0' && c <= '9';
  if (scheme_end == std::string_view::npos || authority.find('@') != std::string_view::npos ||
      !port_ok) {
    *err = "cookies: \"" + std::string(url) + "\" is not an http:// or https:// URL";
    return false;
  }
  if (!Origin::Make(url.substr(0, scheme_end), host, origin, err)) return false;
  target->assign(authority_end == std::string_view::npos ? std::string_view("/")
                                                         : url.substr(authority_end));
  if ((*target)[0] != '/') target->insert(0, "/");
  return true;
}

}  // namespace sp::cookies
