#include "plugins/http_target/redirect_hop.h"

#include "plugins/http_target/redirect.h"

namespace sp::http {
namespace {

// The exchange that follows `ex`'s redirect to `target` (ex's response had `status`).
void BuildNextHop(const Exchange& ex, int status, const std::string& target,
                  const HopContext& context, Exchange* next) {
  *next = Exchange{};
  next->token = ex.token;
  next->request = ex.request;
  next->vu = ex.vu;
  next->iteration = ex.iteration;
  next->redirect = ex.redirect + 1;
  next->body_dropped = ex.body_dropped || !RedirectKeepsBody(status);
  // The jar's Cookie field goes; the caller adds the jar's cookies for the new path. A Cookie
  // field the plan wrote stays (send_cookies is false then).
  RedirectRequest(ex.Bytes(), status, target, ex.request->send_cookies, &next->rendered);
  if (context.report_hops) {
    next->start_ns = context.now_ns;
  } else {  // one result for every hop: it starts with the first
    next->start_ns = ex.start_ns;
    next->connect_ns = ex.connect_ns;
    next->ttfb_ns = ex.ttfb_ns;
    next->bytes_sent = ex.bytes_sent;
    next->bytes_received = ex.bytes_received;
  }
}

}  // namespace

HopOutcome NextRedirectHop(const Exchange& ex, int status, const std::string* location,
                           const HopContext& context, CompletionQueue& done, Exchange* next,
                           std::string* note) {
  note->clear();
  const uint32_t max = ex.request->max_redirects;
  if (max == 0 || !IsFollowedRedirectStatus(status)) return HopOutcome::kFinal;
  const RedirectDecision d =
      DecideRedirect(status, location, context.base, ex.Bytes(), ex.redirect, max);
  switch (d.action) {
    case RedirectAction::kNone: return HopOutcome::kFinal;
    case RedirectAction::kLeavesOrigin:
      *note = "redirect to " + d.resolved + " not followed: it leaves base_url's origin";
      return HopOutcome::kFinal;
    case RedirectAction::kTooMany:
      done.Push(ex, SP_E_TOO_MANY_REDIRECTS, status, context.now_ns,
                "too_many_redirects: %u redirects followed (max_redirects) and the response "
                "redirects again, to %s",
                max, d.resolved.c_str());
      return HopOutcome::kFailed;
    case RedirectAction::kFollow: break;
  }
  BuildNextHop(ex, status, d.target, context, next);
  if (context.report_hops) {
    done.Push(ex, SP_E_NONE, status, context.now_ns, nullptr);
    done.FlagLast(SP_RESULT_MORE);
  }
  return HopOutcome::kFollow;
}

}  // namespace sp::http
