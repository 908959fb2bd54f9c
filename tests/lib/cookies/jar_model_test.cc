// An oracle for the jar: random sequences of Set-Cookie headers, requests, clock steps and
// resets, applied both to the jar and to a naive model of RFC 6265 §5.3-5.4 written straight
// from the text (a flat list, a sort per request, a scan per rule), with small limits so
// eviction happens often. After every step the Cookie header, Find, FindLatest, the number of
// live cookies and the eviction count must agree.
#include <time.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "lib/cookies/jar.h"
#include "lib/cookies/origin.h"

using namespace sp::cookies;

namespace {

struct ModelCookie {
  std::string name, value, domain, path;
  int64_t expiry;
  bool host_only, secure;
  uint64_t creation, last_access, last_store;
};

// What one Set-Cookie header says, before it is written as text for the jar.
struct Spec {
  std::string name, value, domain_attr, path_attr;
  std::optional<int64_t> max_age, expires;
  bool secure = false;
};

struct Request {
  bool https;
  std::string host, target;
};

bool IsIp(const std::string& host) { return host == "127.0.0.1"; }

class Model {
 public:
  Model(size_t max_total, size_t max_domain) : max_total_(max_total), max_domain_(max_domain) {}

  // "The user agent MUST evict all expired cookies from the cookie store if, at any time, an
  // expired cookie exists in the cookie store" (§5.3): before every step.
  void DropExpired(int64_t now) {
    std::erase_if(cookies_, [&](const ModelCookie& o) { return o.expiry <= now; });
  }

  void Store(const Spec& s, const Request& r, int64_t now) {
    DropExpired(now);
    ModelCookie c{s.name, s.value, "", "", 0, true, s.secure, 0, 0, 0};
    c.expiry = s.max_age ? (*s.max_age <= 0 ? INT64_MIN : now + *s.max_age)
                         : (s.expires ? *s.expires : INT64_MAX);
    std::string domain = s.domain_attr;
    if (!domain.empty() && domain[0] == '.') domain.erase(0, 1);
    if (domain.empty()) {
      c.domain = r.host;
    } else {
      if (!DomainMatches(r.host, domain)) return;
      c.domain = domain;
      c.host_only = IsIp(r.host);
    }
    c.path = s.path_attr.empty() ? DefaultPath(PathOf(r.target)) : s.path_attr;
    auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const ModelCookie& o) {
      return o.name == c.name && o.domain == c.domain && o.path == c.path;
    });
    if (c.expiry <= now) {
      if (same != cookies_.end()) cookies_.erase(same);
      return;
    }
    c.last_access = c.last_store = ++tick_;
    if (same != cookies_.end()) {
      c.creation = same->creation;
      *same = c;
      return;
    }
    c.creation = c.last_access;
    cookies_.push_back(c);
    const std::string d = c.domain;
    const auto count = [&] {
      return static_cast<size_t>(std::count_if(
          cookies_.begin(), cookies_.end(), [&](const ModelCookie& o) { return o.domain == d; }));
    };
    while (count() > max_domain_) EvictOldest(&d);
    while (cookies_.size() > max_total_) EvictOldest(nullptr);
  }

  // The cookies a request carries, sorted as §5.4 step 2 says; marks them accessed.
  std::vector<ModelCookie*> Matching(const Request& r, int64_t now) {
    DropExpired(now);
    std::vector<ModelCookie*> out;
    for (ModelCookie& c : cookies_) {
      if (c.expiry <= now || (c.secure && !r.https)) continue;
      const bool domain_ok = c.host_only ? c.domain == r.host : DomainMatches(r.host, c.domain);
      if (domain_ok && PathMatches(PathOf(r.target), c.path)) out.push_back(&c);
    }
    std::sort(out.begin(), out.end(), [](const ModelCookie* a, const ModelCookie* b) {
      if (a->path.size() != b->path.size()) return a->path.size() > b->path.size();
      return a->creation < b->creation;
    });
    return out;
  }

  std::string Header(const Request& r, int64_t now) {
    std::string header;
    for (ModelCookie* c : Matching(r, now)) {
      header += (header.empty() ? "" : "; ") + c->name + "=" + c->value;
      c->last_access = ++tick_;
    }
    return header;
  }

  std::optional<std::string> FindLatest(const std::string& name, int64_t now) const {
    const ModelCookie* latest = nullptr;
    for (const ModelCookie& c : cookies_) {
      if (c.name == name && c.expiry > now && (!latest || c.last_store > latest->last_store)) {
        latest = &c;
      }
    }
    if (!latest) return std::nullopt;
    return latest->value;
  }

  size_t Live(int64_t now) const {
    return static_cast<size_t>(std::count_if(cookies_.begin(), cookies_.end(),
                                             [&](const ModelCookie& c) { return c.expiry > now; }));
  }
  void Clear() { cookies_.clear(); }
  uint64_t evicted() const { return evicted_; }

 private:
  static bool DomainMatches(const std::string& host, const std::string& domain) {
    if (host == domain) return true;
    const std::string dotted = "." + domain;
    return !IsIp(host) && host.size() > dotted.size() &&
           host.compare(host.size() - dotted.size(), dotted.size(), dotted) == 0;
  }
  static std::string PathOf(const std::string& target) {
    const std::string path = target.substr(0, target.find('?'));
    return path.empty() ? "/" : path;
  }
  static std::string DefaultPath(const std::string& path) {
    if (std::count(path.begin(), path.end(), '/') <= 1) return "/";
    return path.substr(0, path.rfind('/'));
  }
  static bool PathMatches(const std::string& request, const std::string& cookie) {
    if (request == cookie) return true;
    if (request.compare(0, cookie.size(), cookie) != 0 || request.size() < cookie.size()) {
      return false;
    }
    return cookie.back() == '/' || request[cookie.size()] == '/';
  }
  void EvictOldest(const std::string* domain) {
    auto oldest = cookies_.end();
    for (auto it = cookies_.begin(); it != cookies_.end(); ++it) {
      if (domain && it->domain != *domain) continue;
      if (oldest == cookies_.end() || it->last_access < oldest->last_access) oldest = it;
    }
    cookies_.erase(oldest);
    ++evicted_;
  }

  size_t max_total_, max_domain_;
  uint64_t tick_ = 0, evicted_ = 0;
  std::vector<ModelCookie> cookies_;
};

template <typename T, size_t N>
const T& Pick(std::mt19937_64& random, const T (&choices)[N]) {
  return choices[std::uniform_int_distribution<size_t>(0, N - 1)(random)];
}

std::string HttpDate(int64_t when) {
  const time_t t = static_cast<time_t>(when);
  struct tm tm;
  gmtime_r(&t, &tm);
  char text[64];
  strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

Spec RandomSpec(std::mt19937_64& random, int64_t now, int serial) {
  static const char* kNames[] = {"a", "b", "c"};
  static const char* kDomains[] = {"", "", "", "h", ".h", "x.h", "y.x.h", "other", "127.0.0.1"};
  static const char* kPaths[] = {"", "", "/", "/a", "/a/b", "/ab", "/a/"};
  static const int64_t kAges[] = {-1, 0, 1, 2, 5, 1000};
  Spec s;
  s.name = Pick(random, kNames);
  s.value = "v" + std::to_string(serial);
  s.domain_attr = Pick(random, kDomains);
  s.path_attr = Pick(random, kPaths);
  if (random() % 3 == 0) s.max_age = Pick(random, kAges);
  if (random() % 3 == 0) s.expires = now + Pick(random, kAges);
  s.secure = random() % 4 == 0;
  return s;
}

std::string SetCookieText(const Spec& s) {
  std::string text = s.name + "=" + s.value;
  if (!s.domain_attr.empty()) text += "; Domain=" + s.domain_attr;
  if (!s.path_attr.empty()) text += "; Path=" + s.path_attr;
  if (s.expires) text += "; Expires=" + HttpDate(*s.expires);
  if (s.max_age) text += "; Max-Age=" + std::to_string(*s.max_age);
  if (s.secure) text += "; Secure";
  return text;
}

Request RandomRequest(std::mt19937_64& random) {
  static const char* kHosts[] = {"h", "x.h", "y.x.h", "other", "127.0.0.1"};
  static const char* kTargets[] = {"/", "/a", "/a/b", "/ab", "/a/b/c", "/a/?q=/x", "/ab/c"};
  return Request{random() % 2 == 0, Pick(random, kHosts), Pick(random, kTargets)};
}

Origin OriginOf(const Request& r) {
  Origin origin;
  std::string err;
  REQUIRE(Origin::Make(r.https ? "https" : "http", r.host, &origin, &err));
  return origin;
}

}  // namespace

TEST_CASE("jar model: random sequences agree with a naive RFC 6265 model", "[cookies]") {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::mt19937_64 random(seed);
    Jar jar(JarLimits{8, 5});
    Model model(8, 5);
    int64_t now = 1700000000;
    for (int step = 0; step < 2000; ++step) {
      INFO("seed " << seed << " step " << step);
      const Request r = RandomRequest(random);
      const Origin origin = OriginOf(r);
      const unsigned op = random() % 100;
      if (op < 50) {
        const Spec s = RandomSpec(random, now, step);
        const std::string text = SetCookieText(s);
        INFO(text << " from " << r.host << r.target);
        jar.Store(text, origin, r.target, now);
        model.Store(s, r, now);
      } else if (op < 85) {
        std::string header;
        jar.AppendCookieHeader(origin, r.target, now, &header);
        INFO("request " << (r.https ? "https://" : "http://") << r.host << r.target);
        REQUIRE(header == model.Header(r, now));
      } else if (op < 95) {
        const std::string name = random() % 2 ? "a" : "b";
        const std::vector<ModelCookie*> matching = model.Matching(r, now);
        const auto first = std::find_if(matching.begin(), matching.end(),
                                        [&](const ModelCookie* c) { return c->name == name; });
        const std::optional<std::string_view> found = jar.Find(name, origin, r.target, now);
        REQUIRE(found.has_value() == (first != matching.end()));
        if (found) REQUIRE(*found == (*first)->value);
        REQUIRE(jar.FindLatest(name, now) == model.FindLatest(name, now));
      } else if (op < 99) {
        now += static_cast<int64_t>(random() % 4);
      } else {
        jar.Clear();
        model.Clear();
      }
      const auto live = std::count_if(jar.cookies().begin(), jar.cookies().end(),
                                      [&](const Cookie& c) { return c.expiry_s > now; });
      REQUIRE(static_cast<size_t>(live) == model.Live(now));
      REQUIRE(jar.counts().evicted == model.evicted());
      REQUIRE(jar.size() <= 8);
    }
  }
}
