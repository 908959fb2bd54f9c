// RFC 3986 URI references: split into their five parts (Appendix B) and resolved against a
// base URI (§5.2), as a redirect's Location is resolved against the URL of the request it
// answers. Pure string work: no percent-decoding, no normalisation beyond what §5.2 does
// (dot segments), so "/a/%2e%2e/b" stays as the server wrote it.
#pragma once

#include <string>
#include <string_view>

namespace sp::http {

struct UriParts {
  std::string scheme;  // without ':' ; empty for a relative reference
  bool has_authority = false;
  std::string authority;  // what follows "//" up to the path: [userinfo@]host[:port]
  std::string path;
  bool has_query = false;
  std::string query;  // without '?'
  // The fragment is dropped: it is never sent to a server.
};

// Splits `reference` with RFC 3986 Appendix B's regular expression; every string splits.
UriParts SplitUri(std::string_view reference);

// §5.2.2 (strict: a reference with a scheme is absolute even when it is the base's scheme),
// with §5.2.3 merge and §5.2.4 dot-segment removal. `base` must have a scheme.
UriParts ResolveUri(const UriParts& base, const UriParts& reference);

// §5.2.4: "/a/b/../c/./d" -> "/a/c/d".
std::string RemoveDotSegments(std::string_view path);

}  // namespace sp::http
