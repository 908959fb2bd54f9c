#include "plugins/http_target/redirect.h"

#include "lib/http1/syntax.h"
#include "plugins/http_target/cookie_session.h"
#include "plugins/http_target/uri_reference.h"

namespace sp::http {
namespace {

uint16_t DefaultPort(std::string_view scheme) { return http1::IEquals(scheme, "https") ? 443 : 80; }

// The authority names base_url's host and port. User info ("user@host") never does: a
// redirect carrying credentials is not one the target follows.
bool SameAuthority(std::string_view authority, std::string_view scheme, const BaseUrl& base) {
  if (authority.find('@') != std::string_view::npos) return false;
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {  // an IPv6 literal
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty() && port.front() != ':') return false;
    if (!port.empty()) port.remove_prefix(1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  uint32_t number = port.empty() ? DefaultPort(scheme) : 0;
  for (char c : port) {
    if (c < '0' || c > '9' || number > 65535) return false;
    number = number * 10 + static_cast<uint32_t>(c - '0');
  }
  return number == base.port && http1::IEquals(host, base.host);
}

bool SameOrigin(const UriParts& u, const BaseUrl& base) {
  return http1::IEquals(u.scheme, base.tls ? "https" : "http") && u.has_authority &&
         SameAuthority(u.authority, u.scheme, base);
}

// Path and query as a request-target, bytes a request line cannot carry (controls, space,
// non-ASCII) percent-encoded as browsers do.
std::string RequestTarget(const UriParts& u) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string raw = u.path.empty() ? "/" : u.path;
  if (u.has_query) raw.append("?").append(u.query);
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f) {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Text(const UriParts& u) {
  return u.scheme + ":" + (u.has_authority ? "//" + u.authority : "") + RequestTarget(u);
}

bool DropsBody(std::string_view name) {
  return http1::IEquals(name, "content-type") || http1::IEquals(name, "content-length") ||
         http1::IEquals(name, "transfer-encoding");
}

}  // namespace

bool RedirectKeepsBody(int status) { return status == 307 || status == 308; }

bool IsFollowedRedirectStatus(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

RedirectDecision DecideRedirect(int status, const std::string* location, const BaseUrl& base,
                                std::string_view request, uint32_t followed,
                                uint32_t max_redirects) {
  RedirectDecision d;
  if (max_redirects == 0 || location == nullptr || !IsFollowedRedirectStatus(status)) return d;
  UriParts url = SplitUri(RequestTargetOf(request));
  url.scheme = base.tls ? "https" : "http";
  url.has_authority = true;
  url.authority = base.host_header;
  const UriParts next = ResolveUri(url, SplitUri(*location));
  d.resolved = Text(next);
  if (!SameOrigin(next, base)) {
    d.action = RedirectAction::kLeavesOrigin;
  } else if (followed >= max_redirects) {
    d.action = RedirectAction::kTooMany;
  } else {
    d.action = RedirectAction::kFollow;
    d.target = RequestTarget(next);
  }
  return d;
}

void RedirectRequest(std::string_view request, int status, std::string_view target,
                     bool drop_cookie, std::string* out) {
  const size_t line_end = request.find("\r\n");
  const size_t head_end = request.find("\r\n\r\n");  // the builder ends every head with it
  const std::string_view method = request.substr(0, request.find(' '));
  const size_t version_start = request.rfind(' ', line_end) + 1;  // " HTTP/1.1"
  const std::string_view version = request.substr(version_start, line_end - version_start);
  const bool to_get = !RedirectKeepsBody(status) && method != "HEAD";
  out->clear();
  out->append(to_get ? std::string_view("GET") : method).append(" ").append(target);
  out->append(" ").append(version).append("\r\n");
  std::string_view fields = request.substr(line_end + 2, head_end + 2 - (line_end + 2));
  while (!fields.empty()) {
    const size_t end = fields.find("\r\n") + 2;
    const std::string_view field = fields.substr(0, end);
    const std::string_view name = field.substr(0, field.find(':'));
    fields.remove_prefix(end);
    if ((to_get && DropsBody(name)) || (drop_cookie && http1::IEquals(name, "cookie"))) continue;
    out->append(field);
  }
  out->append("\r\n");
  if (!to_get) out->append(request.substr(head_end + 4));
}

}  // namespace sp::http
