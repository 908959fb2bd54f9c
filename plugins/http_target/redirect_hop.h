// What a complete response that may be a redirect leads to, whatever protocol carried it: the
// worker (HTTP/1.1, worker_redirect.cc) and the HTTP/2 pool (h2_pool.cc) both ask here, then
// recycle their connection or stream and start the next hop themselves.
//
// A followed hop is reported, for a host of ABI 1.4 or later, as an SP_RESULT_MORE result: a
// request of its own in the report, the token still in flight. A host older than 1.4 would take
// a first result as the request's only one: there the hops are followed silently and the final
// result spans them all (its start, connect time, time to first byte and bytes count from the
// first hop).
#pragma once

#include <cstdint>
#include <string>

#include "plugins/http_target/base_url.h"
#include "plugins/http_target/completion_queue.h"
#include "plugins/http_target/connection.h"

namespace sp::http {

enum class HopOutcome {
  kFinal,   // not a redirect to follow: the response goes on to checks (note says why, if it was
            // one)
  kFailed,  // one redirect too many: the request's result (too_many_redirects) is queued
  kFollow,  // the hop's result is queued (report_hops) and *next is the next hop to start
};

struct HopContext {
  const BaseUrl& base;  // only its origin is followed
  bool report_hops;     // the host is of ABI 1.4 or later: each hop is a result of its own
  uint64_t now_ns;
};

// `ex`'s response, complete, had `status` and Location `location` (nullptr: none). The VU's jar
// must already hold the cookies it set: the next hop sends them.
HopOutcome NextRedirectHop(const Exchange& ex, int status, const std::string* location,
                           const HopContext& context, CompletionQueue& done, Exchange* next,
                           std::string* note);

}  // namespace sp::http
