// The worker's part of redirects (redirect.h decides): a followed redirect completes its hop
// (for a host of ABI 1.4 or later, as an SP_RESULT_MORE result: a request of its own in the
// report) and sends the next hop like a new request, on a connection of the pool, with the
// VU's cookies for its path (the jar already holds what the redirect set). Checks, captures
// and rules run on the final response only.
//
// A host older than 1.4 would take a first result as the request's only one: there the hops
// are followed silently and the final result spans them all (its start, connect time, time to
// first byte and bytes count from the first hop).
#include "plugins/http_target/redirect.h"
#include "plugins/http_target/worker.h"

namespace sp::http {

bool Worker::FollowsRedirect(Connection* c, int status, bool trailing_bytes) {
  redirect_note_.clear();
  const Exchange& ex = c->ex;
  const uint32_t max = ex.request->max_redirects;
  if (max == 0 || !IsFollowedRedirectStatus(status)) return false;
  const RedirectDecision d = DecideRedirect(status, c->tap.location(), instance_.config().url,
                                            ex.Bytes(), ex.redirect, max);
  const uint64_t now = host_fns_.NowNs();
  switch (d.action) {
    case RedirectAction::kNone: return false;
    case RedirectAction::kLeavesOrigin:
      redirect_note_ = "redirect to " + d.resolved + " not followed: it leaves base_url's origin";
      return false;
    case RedirectAction::kTooMany:
      done_.Push(ex, SP_E_TOO_MANY_REDIRECTS, status, now,
                 "too_many_redirects: %u redirects followed (max_redirects) and the response "
                 "redirects again, to %s",
                 max, d.resolved.c_str());
      Recycle(c, trailing_bytes);
      return true;
    case RedirectAction::kFollow: break;
  }
  const bool report_hop = host_fns_.AtLeastMinor(4);
  Exchange next = NextHop(ex, status, d.target, now);
  if (report_hop) {
    done_.Push(ex, SP_E_NONE, status, now, nullptr);
    done_.FlagLast(SP_RESULT_MORE);
  }
  Recycle(c, trailing_bytes);  // c->ex is gone from here on
  StartWithCookies(&next);
  return true;
}

Exchange Worker::NextHop(const Exchange& ex, int status, const std::string& target, uint64_t now) {
  Exchange next;
  next.token = ex.token;
  next.request = ex.request;
  next.vu = ex.vu;
  next.iteration = ex.iteration;
  next.redirect = ex.redirect + 1;
  next.body_dropped = ex.body_dropped || !RedirectKeepsBody(status);
  // The jar's Cookie field goes; StartWithCookies adds the jar's cookies for the new path. A
  // Cookie field the plan wrote stays (send_cookies is false then).
  RedirectRequest(ex.Bytes(), status, target, ex.request->send_cookies, &next.rendered);
  if (host_fns_.AtLeastMinor(4)) {
    next.start_ns = now;
  } else {  // one result for every hop: it starts with the first
    next.start_ns = ex.start_ns;
    next.connect_ns = ex.connect_ns;
    next.ttfb_ns = ex.ttfb_ns;
    next.bytes_sent = ex.bytes_sent;
    next.bytes_received = ex.bytes_received;
  }
  return next;
}

}  // namespace sp::http
