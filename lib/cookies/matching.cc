#include "lib/cookies/matching.h"

#include <arpa/inet.h>

namespace sp::cookies {

std::string CanonicalDomain(std::string_view domain) {
  std::string lower(domain);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

bool IsIpLiteral(std::string_view host) {
  // inet_pton wants a NUL-terminated string; the longest IPv6 text is 45 characters.
  if (host.empty() || host.size() > 45) return false;
  char text[46];
  host.copy(text, host.size());
  text[host.size()] = '\0';
  unsigned char address[16];
  return inet_pton(AF_INET, text, address) == 1 || inet_pton(AF_INET6, text, address) == 1;
}

bool DomainMatch(std::string_view host, bool host_is_ip, std::string_view domain) {
  if (host == domain) return true;
  if (host_is_ip || domain.empty() || host.size() <= domain.size()) return false;
  return host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.';
}

std::string_view RequestPath(std::string_view request_target) {
  // A plain loop: find_first_of calls memchr once per character, and this runs per request.
  size_t end = 0;
  while (end < request_target.size() && request_target[end] != '?' && request_target[end] != '#') {
    ++end;
  }
  return end == 0 ? std::string_view("/") : request_target.substr(0, end);
}

bool PathMatch(std::string_view request_path, std::string_view cookie_path) {
  if (!request_path.starts_with(cookie_path)) return false;
  return request_path.size() == cookie_path.size() || cookie_path.ends_with('/') ||
         request_path[cookie_path.size()] == '/';
}

std::string_view DefaultPath(std::string_view request_path) {
  if (request_path.empty() || request_path[0] != '/') return "/";
  const size_t last_slash = request_path.rfind('/');
  return last_slash == 0 ? std::string_view("/") : request_path.substr(0, last_slash);
}

}  // namespace sp::cookies
