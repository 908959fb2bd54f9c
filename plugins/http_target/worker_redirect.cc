// The worker's part of redirects over HTTP/1.1 (redirect_hop.h decides and reports the hop): a
// followed redirect recycles its connection and sends the next hop like a new request, on a
// connection of the pool, with the VU's cookies for its path (the jar already holds what the
// redirect set). Checks, captures and rules run on the final response only.
#include "plugins/http_target/h2_pool.h"
#include "plugins/http_target/redirect_hop.h"
#include "plugins/http_target/worker.h"

namespace sp::http {

bool Worker::FollowsRedirect(Connection* c, int status, bool trailing_bytes) {
  Exchange next;
  const HopContext context{instance_.config().url, host_fns_.AtLeastMinor(4), host_fns_.NowNs()};
  switch (
      NextRedirectHop(c->ex, status, c->tap.location(), context, done_, &next, &redirect_note_)) {
    case HopOutcome::kFinal: return false;
    case HopOutcome::kFailed: Recycle(c, trailing_bytes); return true;
    case HopOutcome::kFollow:
      Recycle(c, trailing_bytes);  // c->ex is gone from here on
      StartWithCookies(&next);
      return true;
  }
  return false;
}

void Worker::StartH2Hops() {
  Exchange next;
  while (h2_->TakeHop(&next)) StartWithCookies(&next);
}

}  // namespace sp::http
