#include "plugins/http_target/uri_reference.h"

namespace sp::http {
namespace {

// Removes the last segment of `out` and its preceding '/' (if any): §5.2.4 step 2C.
void DropLastSegment(std::string* out) {
  const size_t slash = out->rfind('/');
  out->erase(slash == std::string::npos ? 0 : slash);
}

// §5.2.3: the reference's path appended to the base path's "directory".
std::string MergePaths(const UriParts& base, std::string_view path) {
  if (base.has_authority && base.path.empty()) return "/" + std::string(path);
  const size_t slash = base.path.rfind('/');
  if (slash == std::string::npos) return std::string(path);
  return base.path.substr(0, slash + 1) + std::string(path);
}

}  // namespace

UriParts SplitUri(std::string_view s) {
  // ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
  UriParts u;
  if (const size_t colon = s.find_first_of(":/?#");
      colon != std::string_view::npos && colon > 0 && s[colon] == ':') {
    u.scheme = s.substr(0, colon);
    s.remove_prefix(colon + 1);
  }
  if (s.substr(0, 2) == "//") {
    s.remove_prefix(2);
    const size_t end = s.find_first_of("/?#");
    u.has_authority = true;
    u.authority = s.substr(0, end);
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  const size_t path_end = s.find_first_of("?#");
  u.path = s.substr(0, path_end);
  s.remove_prefix(path_end == std::string_view::npos ? s.size() : path_end);
  if (!s.empty() && s.front() == '?') {
    const size_t query_end = s.find('#');
    u.has_query = true;
    u.query =
        s.substr(1, query_end == std::string_view::npos ? std::string_view::npos : query_end - 1);
  }
  return u;
}

std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {  // A
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {  // B
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../") {  // C
      in.remove_prefix(3);
      DropLastSegment(&out);
    } else if (in == "/..") {
      in = "/";
      DropLastSegment(&out);
    } else if (in == "." || in == "..") {  // D
      in = {};
    } else {  // E: the first segment, with its leading '/' if any, moves to the output
      const size_t next = in.find('/', 1);
      const size_t n = next == std::string_view::npos ? in.size() : next;
      out.append(in.substr(0, n));
      in.remove_prefix(n);
    }
  }
  return out;
}

UriParts ResolveUri(const UriParts& base, const UriParts& r) {
  UriParts t;
  if (!r.scheme.empty()) {
    t = r;
    t.path = RemoveDotSegments(r.path);
    return t;
  }
  t.scheme = base.scheme;
  if (r.has_authority) {
    t.has_authority = true;
    t.authority = r.authority;
    t.path = RemoveDotSegments(r.path);
    t.has_query = r.has_query;
    t.query = r.query;
    return t;
  }
  t.has_authority = base.has_authority;
  t.authority = base.authority;
  if (r.path.empty()) {
    t.path = base.path;
    t.has_query = r.has_query || base.has_query;
    t.query = r.has_query ? r.query : base.query;
    return t;
  }
  t.path = RemoveDotSegments(r.path.front() == '/' ? std::string_view(r.path)
                                                   : std::string_view(MergePaths(base, r.path)));
  t.has_query = r.has_query;
  t.query = r.query;
  return t;
}

}  // namespace sp::http
