#include "lib/cookies/jar.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "lib/cookies/matching.h"
#include "lib/cookies/set_cookie.h"
#include "lib/http1/syntax.h"

namespace sp::cookies {
namespace {

constexpr int64_t kEarliest = std::numeric_limits<int64_t>::min();
constexpr int64_t kLatest = std::numeric_limits<int64_t>::max();

bool Expired(const Cookie& cookie, int64_t now_s) { return cookie.expiry_s <= now_s; }

// §5.4 step 1: host-only cookies go to their host only, domain cookies to it and its
// subdomains; Secure ones over https only; the request's path must path-match.
bool GoesWith(const Cookie& cookie, const Origin& origin, std::string_view request_path) {
  if (cookie.secure && !origin.secure()) return false;
  const bool domain_ok = cookie.host_only
                             ? cookie.domain == origin.host()
                             : DomainMatch(origin.host(), origin.host_is_ip(), cookie.domain);
  return domain_ok && PathMatch(request_path, cookie.path);
}

int64_t ExpiryOf(const SetCookie& parsed, int64_t now_s) {
  if (parsed.max_age_s) {
    const int64_t seconds = *parsed.max_age_s;
    if (seconds <= 0) return kEarliest;
    return now_s > kLatest - seconds ? kLatest : now_s + seconds;
  }
  return parsed.expires_s ? *parsed.expires_s : kLatest;
}

// Why Set refuses a name or value, or empty when it takes them.
std::string SetRefusal(std::string_view name, std::string_view value, std::string_view path) {
  if (name.empty() || name.find_first_of("=; \t") != std::string_view::npos ||
      !http1::IsFieldValue(name)) {
    return "the cookie name \"" + std::string(name) +
           "\" is empty or has '=', ';', a space, a tab or a control character";
  }
  if (value.find(';') != std::string_view::npos || !http1::IsFieldValue(value) ||
      (!value.empty() && (value.front() == ' ' || value.front() == '\t' || value.back() == ' ' ||
                          value.back() == '\t'))) {
    return "the value of cookie \"" + std::string(name) +
           "\" has ';', a control character or spaces around it";
  }
  if (name.size() + value.size() > kMaxNameValueBytes) {
    return "cookie \"" + std::string(name) + "\" is over 4096 bytes (name and value)";
  }
  if (path.empty() || path[0] != '/') {
    return "the path \"" + std::string(path) + "\" of cookie \"" + std::string(name) +
           "\" does not start with '/'";
  }
  return std::string();
}

}  // namespace

Jar::Jar(JarLimits limits) : limits_(limits) {
  limits_.max_cookies = std::max<size_t>(limits_.max_cookies, 1);
  limits_.max_cookies_per_domain = std::max<size_t>(limits_.max_cookies_per_domain, 1);
}

StoreResult Jar::Store(std::string_view set_cookie, const Origin& origin,
                       std::string_view request_target, int64_t now_s) {
  SetCookie parsed;
  switch (ParseSetCookie(set_cookie, &parsed)) {
    case SetCookieStatus::kOk: break;
    case SetCookieStatus::kTooLarge:
      ++counts_.ignored_too_large;
      return StoreResult::kIgnoredTooLarge;
    case SetCookieStatus::kMalformed:
    case SetCookieStatus::kControlCharacter:
      ++counts_.ignored_malformed;
      return StoreResult::kIgnoredMalformed;
  }
  Cookie cookie;
  if (!parsed.domain.empty()) {
    cookie.domain = CanonicalDomain(parsed.domain);
    if (!DomainMatch(origin.host(), origin.host_is_ip(), cookie.domain)) {
      ++counts_.ignored_domain;
      return StoreResult::kIgnoredDomain;
    }
    // An IP literal matches only itself: a Domain naming it makes no domain cookie.
    cookie.host_only = origin.host_is_ip();
  } else {
    cookie.domain = origin.host();
    cookie.host_only = true;
  }
  cookie.name.assign(parsed.name);
  cookie.value.assign(parsed.value);
  cookie.path.assign(parsed.path.empty() ? DefaultPath(RequestPath(request_target)) : parsed.path);
  cookie.expiry_s = ExpiryOf(parsed, now_s);
  cookie.persistent = parsed.max_age_s || parsed.expires_s;
  cookie.secure = parsed.secure;
  cookie.http_only = parsed.http_only;
  return Insert(std::move(cookie), now_s);
}

bool Jar::Set(std::string_view name, std::string_view value, const Origin& origin,
              std::string_view path, int64_t now_s, std::string* err) {
  std::string refusal = SetRefusal(name, value, path);
  if (!refusal.empty()) {
    *err = "cookies: " + refusal;
    return false;
  }
  Cookie cookie;
  cookie.name.assign(name);
  cookie.value.assign(value);
  cookie.domain = origin.host();
  cookie.path.assign(path);
  cookie.expiry_s = kLatest;
  Insert(std::move(cookie), now_s);
  return true;
}

// §5.3 steps 11 and 12: replace the cookie with the same name, domain and path (keeping its
// creation), drop it when the new one has expired already, or add the new one in header order.
StoreResult Jar::Insert(Cookie cookie, int64_t now_s) {
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& old) {
    return old.name == cookie.name && old.domain == cookie.domain && old.path == cookie.path;
  });
  // One that has expired is gone already, even if no request has dropped it yet: the new
  // cookie does not inherit its place.
  if (same != cookies_.end() && Expired(*same, now_s)) {
    cookies_.erase(same);
    same = cookies_.end();
  }
  if (Expired(cookie, now_s)) {
    if (same != cookies_.end()) cookies_.erase(same);
    return StoreResult::kDeleted;
  }
  cookie.last_access = cookie.last_store = ++tick_;
  if (same != cookies_.end()) {
    // Same path and creation: its place in the order does not change.
    cookie.creation = same->creation;
    *same = std::move(cookie);
    return StoreResult::kReplaced;
  }
  cookie.creation = cookie.last_access;
  const auto place = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& old) {
    return old.path.size() < cookie.path.size();
  });
  const std::string domain = cookie.domain;
  cookies_.insert(place, std::move(cookie));
  EnforceLimits(domain, now_s);
  return StoreResult::kStored;
}

void Jar::EnforceLimits(std::string_view domain, int64_t now_s) {
  const auto in_domain = [&] {
    return static_cast<size_t>(std::count_if(cookies_.begin(), cookies_.end(),
                                             [&](const Cookie& c) { return c.domain == domain; }));
  };
  if (cookies_.size() <= limits_.max_cookies && in_domain() <= limits_.max_cookies_per_domain) {
    return;
  }
  std::erase_if(cookies_, [&](const Cookie& c) { return Expired(c, now_s); });
  const std::string domain_name(domain);
  while (in_domain() > limits_.max_cookies_per_domain) EvictLeastRecentlyUsed(&domain_name);
  while (cookies_.size() > limits_.max_cookies) EvictLeastRecentlyUsed(nullptr);
}

void Jar::EvictLeastRecentlyUsed(const std::string* domain) {
  auto oldest = cookies_.end();
  for (auto it = cookies_.begin(); it != cookies_.end(); ++it) {
    if (domain != nullptr && it->domain != *domain) continue;
    if (oldest == cookies_.end() || it->last_access < oldest->last_access) oldest = it;
  }
  if (oldest == cookies_.end()) return;
  cookies_.erase(oldest);
  ++counts_.evicted;
}

bool Jar::AppendCookieHeader(const Origin& origin, std::string_view request_target, int64_t now_s,
                             std::string* out) {
  if (cookies_.empty()) return false;
  const std::string_view path = RequestPath(request_target);
  bool any = false;
  size_t kept = 0;
  for (size_t i = 0; i < cookies_.size(); ++i) {
    if (Expired(cookies_[i], now_s)) continue;
    if (kept != i) cookies_[kept] = std::move(cookies_[i]);
    Cookie& cookie = cookies_[kept++];
    if (!GoesWith(cookie, origin, path)) continue;
    if (any) out->append("; ");
    out->append(cookie.name).append(1, '=').append(cookie.value);
    cookie.last_access = ++tick_;
    any = true;
  }
  cookies_.erase(cookies_.begin() + static_cast<ptrdiff_t>(kept), cookies_.end());
  return any;
}

std::optional<std::string_view> Jar::Find(std::string_view name, const Origin& origin,
                                          std::string_view request_target, int64_t now_s) const {
  const std::string_view path = RequestPath(request_target);
  for (const Cookie& cookie : cookies_) {
    if (cookie.name == name && !Expired(cookie, now_s) && GoesWith(cookie, origin, path)) {
      return cookie.value;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> Jar::FindLatest(std::string_view name, int64_t now_s) const {
  const Cookie* latest = nullptr;
  for (const Cookie& cookie : cookies_) {
    if (cookie.name != name || Expired(cookie, now_s)) continue;
    if (latest == nullptr || cookie.last_store > latest->last_store) latest = &cookie;
  }
  if (latest == nullptr) return std::nullopt;
  return latest->value;
}

}  // namespace sp::cookies
