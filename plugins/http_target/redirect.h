// Redirects the HTTP target follows: whether a response is one, where its Location leads
// (RFC 3986 resolution against the request's URL, uri_reference.h), and the request the next
// hop sends. The worker (worker_redirect.cc) drives the hops; this file only decides.
//
// Followed: 301, 302, 303, 307 and 308 with a Location on base_url's origin (same scheme, host
// and port: the connections of a worker's pool), up to the request's max_redirects. A Location
// on another origin is not followed: no connection to another host is ever opened.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "plugins/http_target/base_url.h"

namespace sp::http {

enum class RedirectAction {
  kNone,          // not a redirect to follow: the response is the request's final one
  kFollow,        // send the next hop (RedirectDecision::target)
  kLeavesOrigin,  // a redirect to another origin: final, not followed
  kTooMany,       // following it would pass max_redirects: the request fails
};

struct RedirectDecision {
  RedirectAction action = RedirectAction::kNone;
  std::string target;    // kFollow: the next hop's request-target ("/next?x"), percent-encoded
  std::string resolved;  // kFollow, kLeavesOrigin: the absolute URL Location resolves to
};

// 301, 302, 303, 307, 308. (300, 304 and 305 are not followed.)
bool IsFollowedRedirectStatus(int status);

// The response to `request` (the bytes it sent) had `status` and Location `location` (nullptr:
// none). `followed` redirects were followed before it; `max_redirects` is the request's limit
// (0: never follow, the 3xx is final).
RedirectDecision DecideRedirect(int status, const std::string* location, const BaseUrl& base,
                                std::string_view request, uint32_t followed,
                                uint32_t max_redirects);

// Whether the next hop after a `status` redirect sends the request's body again (307, 308).
bool RedirectKeepsBody(int status);

// The next hop's request: `request` (head and body, as last sent) with its request-target
// replaced by `target`. For 301, 302 and 303 a method other than HEAD becomes GET and the body
// is dropped with its Content-Type, Content-Length and Transfer-Encoding; 307 and 308 keep
// method and body. `drop_cookie` removes Cookie fields (the jar's: the worker adds the jar's
// cookies for the new path again).
void RedirectRequest(std::string_view request, int status, std::string_view target,
                     bool drop_cookie, std::string* out);

}  // namespace sp::http
