// A cookie jar: the cookies one virtual user has received, stored and sent back as RFC 6265
// says a user agent does (§5.3 storage model, §5.4 the Cookie header). The HTTP target keeps
// one per virtual user, so a scenario that logs in carries its session like a browser would.
//
// THREADING: a Jar is not synchronised. A virtual user runs on one load thread, and its jar is
// touched only from that thread.
// TIME: every call that needs the clock takes `now_s` (unix seconds) from the caller, so tests
// are deterministic. A cookie has expired when now_s >= its expiry; session cookies (neither
// Max-Age nor Expires) never expire: they go with Clear() (a plan's per-iteration reset).
//
// What is deliberately not done:
// - No public suffix list (none is available offline). A Domain attribute is refused only when
//   the request's host does not domain-match it, as curl does without libpsl: a server at
//   a.example.com may set a cookie for "example.com" or even "com". A load test talks to the
//   hosts its plan names, so such a cookie can only reach those hosts anyway.
// - No SameSite (there are no cross-site requests in a plan), no __Secure-/__Host- prefixes, no
//   IDNA: a non-ASCII host is compared byte for byte.
// - HttpOnly is kept but restricts nothing: captures and templates belong to the plan's
//   author, not to a page's scripts.
// - Ports are not isolated (RFC 6265 §8.5), see origin.h.
//
// Bounded memory against a hostile server: at most limits.max_cookies cookies and
// limits.max_cookies_per_domain with the same domain; a new cookie beyond either first drops
// the expired ones, then the least recently used of its domain, then the least recently used
// of all (§5.3 step 12's order). A name + value over 4096 bytes is ignored (§6.1). Both are
// counted (counts()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/cookies/origin.h"

namespace sp::cookies {

struct Cookie {
  std::string name;
  std::string value;
  std::string domain;  // lower-case; the request's host when host_only
  std::string path;    // starts with '/'
  int64_t expiry_s = 0;
  uint64_t creation = 0;     // creation order, kept when a cookie is replaced (§5.3 step 11)
  uint64_t last_access = 0;  // order of the last store or send, for eviction
  uint64_t last_store = 0;   // order of the last store or replacement, for FindLatest
  bool host_only = true;     // sent to exactly `domain`, not its subdomains
  bool persistent = false;   // it had a Max-Age or an Expires
  bool secure = false;       // sent over https only
  bool http_only = false;
};

struct JarLimits {
  size_t max_cookies = 300;            // RFC 6265 §6.1 asks for at least 3000 in a browser
  size_t max_cookies_per_domain = 50;  // and at least 50 per domain
};

// What the jar refused or dropped since it was made (Clear() keeps them): the target reports
// them.
struct JarCounts {
  uint64_t ignored_malformed = 0;  // no '=', empty name, a control character
  uint64_t ignored_too_large = 0;  // name + value over 4096 bytes
  uint64_t ignored_domain = 0;     // a Domain the request's host does not domain-match
  uint64_t evicted = 0;            // unexpired cookies dropped to stay within the limits
};

enum class StoreResult {
  kStored,            // a new cookie
  kReplaced,          // took the place of the one with its name, domain and path
  kDeleted,           // it had expired already (Max-Age=0, Expires in the past): the one with
                      // its name, domain and path, if any, is gone
  kIgnoredMalformed,  // see JarCounts
  kIgnoredTooLarge,
  kIgnoredDomain,
};

class Jar {
 public:
  // Limits below 1 count as 1.
  explicit Jar(JarLimits limits = JarLimits());

  // Takes one Set-Cookie header value (without "Set-Cookie:") from the response to a request
  // for `request_target` (its path, query allowed) at `origin`.
  StoreResult Store(std::string_view set_cookie, const Origin& origin,
                    std::string_view request_target, int64_t now_s);

  // A session, host-only cookie for `origin` with `path` (a plan's template setting one), like
  // the server had sent "name=value; Path=path". False with *err when the name is empty or has
  // '=', ';', a space, a tab or a control character, the value has ';' or a control character
  // or spaces around it, name + value is over 4096 bytes, or `path` does not start with '/'.
  bool Set(std::string_view name, std::string_view value, const Origin& origin,
           std::string_view path, int64_t now_s, std::string* err);

  // Appends the Cookie header's value for a request ("a=1; b=2": longer paths first, then the
  // older first) and returns true, or returns false and leaves *out alone when no cookie goes
  // with the request. Drops the expired cookies it meets. Allocates nothing when the jar is
  // empty or nothing matches; otherwise only what *out grows by.
  bool AppendCookieHeader(const Origin& origin, std::string_view request_target, int64_t now_s,
                          std::string* out);

  // The value of the cookie `name` that the next request to `request_target` at `origin` would
  // carry first, or nothing. The view is valid until the jar is next changed.
  std::optional<std::string_view> Find(std::string_view name, const Origin& origin,
                                       std::string_view request_target, int64_t now_s) const;
  // The value of the unexpired cookie `name` stored last, whatever its domain and path.
  std::optional<std::string_view> FindLatest(std::string_view name, int64_t now_s) const;

  // Forgets every cookie (not the counts).
  void Clear() { cookies_.clear(); }

  // In the order a Cookie header lists them; may still hold expired cookies not yet dropped.
  const std::vector<Cookie>& cookies() const { return cookies_; }
  size_t size() const { return cookies_.size(); }
  bool empty() const { return cookies_.empty(); }
  const JarCounts& counts() const { return counts_; }

 private:
  StoreResult Insert(Cookie cookie, int64_t now_s);
  void EnforceLimits(std::string_view domain, int64_t now_s);
  // Drops the least recently used cookie of `domain`, or of all when it is null.
  void EvictLeastRecentlyUsed(const std::string* domain);

  JarLimits limits_;
  JarCounts counts_;
  uint64_t tick_ = 0;
  // Sorted by path length, longest first, then by creation: the Cookie header's order, so
  // writing it is one pass without sorting.
  std::vector<Cookie> cookies_;
};

}  // namespace sp::cookies
