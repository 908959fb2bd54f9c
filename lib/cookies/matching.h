// Which cookies go with which request: RFC 6265's domain-match (§5.1.3), path-match and
// default-path (§5.1.4). Hosts and domains here are already canonical (lower-case, no brackets
// around an IPv6 literal): Origin (origin.h) and the jar make them so.
#pragma once

#include <string>
#include <string_view>

namespace sp::cookies {

// A host or a Domain attribute as cookies compare them: ASCII letters lower-cased (no IDNA, see
// jar.h).
std::string CanonicalDomain(std::string_view domain);

// An IPv4 or IPv6 literal ("127.0.0.1", "::1"), which only ever matches itself.
bool IsIpLiteral(std::string_view host);

// `host` domain-matches `domain`: they are identical, or `host` is a name (not an IP literal)
// that ends with "." + `domain` ("www.example.com" matches "example.com", "badexample.com"
// does not).
bool DomainMatch(std::string_view host, bool host_is_ip, std::string_view domain);

// The path a request names, as cookies see it: its query and fragment cut off, "/" when empty.
std::string_view RequestPath(std::string_view request_target);

// `request_path` path-matches `cookie_path`: identical, or `cookie_path` is a prefix that ends
// with '/' or is followed in `request_path` by '/' ("/foo" matches "/foo/bar", not "/foobar").
bool PathMatch(std::string_view request_path, std::string_view cookie_path);

// The path of a cookie set without a Path attribute (or with one not starting with '/'): the
// request's path up to, not including, its last '/'; "/" when that leaves nothing.
std::string_view DefaultPath(std::string_view request_path);

}  // namespace sp::cookies
