// The HTTP target's side of cookies: one RFC 6265 jar per virtual user (lib/cookies/jar.h),
// its Cookie header spliced into a request before the request is written, and the Set-Cookie
// fields of each complete response stored into it. One per worker, used on its thread only.
//
// A request costs nothing more while its VU's jar is empty (one hash lookup); with cookies, it
// is copied once with its Cookie header added at the end of its head.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/cookies/jar.h"
#include "plugins/http_target/target_config.h"

namespace sp::http {

class CookieSessions {
 public:
  explicit CookieSessions(const TargetConfig& config) : config_(config) {}

  // When the VU has cookies for this request, writes `request` (whole: head and body) with a
  // Cookie header added into *out and returns true; otherwise false, *out untouched.
  bool AddCookieHeader(uint32_t vu, uint64_t iteration, std::string_view request, std::string* out);

  // Stores the Set-Cookie field values of the response to `request` in the VU's jar.
  void Store(uint32_t vu, uint64_t iteration, std::string_view request,
             const std::vector<std::string>& set_cookies);

  // The VU left the load: its jar goes with it.
  void Forget(uint32_t vu) { jars_.erase(vu); }

  // The VU's jar as of this iteration (emptied first under cookies_reset: iteration), or
  // nullptr when it has none yet.
  const cookies::Jar* Find(uint32_t vu, uint64_t iteration);

 private:
  struct VuJar {
    cookies::Jar jar;
    uint64_t iteration = 0;
  };
  VuJar* Lookup(uint32_t vu, uint64_t iteration, bool create);

  const TargetConfig& config_;
  std::unordered_map<uint32_t, VuJar> jars_;
  std::string line_;  // the Cookie header being built; keeps its capacity
};

// The request target of a request's first line ("/a?b" of "GET /a?b HTTP/1.1"), or "/".
std::string_view RequestTargetOf(std::string_view request);

}  // namespace sp::http
