#include "plugins/http_target/response_result.h"

#include <string>

#include "plugins/http_target/response_rules.h"

namespace sp::http {

sp_error_kind StatusKind(int status) {
  if (status >= 500 && status <= 599) return SP_E_HTTP_5XX;
  if (status >= 400 && status <= 499) return SP_E_HTTP_4XX;
  return SP_E_NONE;
}

bool PushFinalResponse(const Exchange& ex, int status, ResponseTap& tap, uint64_t end_ns,
                       VuSessions& sessions, CookieSessions& cookies, CompletionQueue& done) {
  if (std::string why; !tap.FinishBody(&why)) {
    // The framing was right but the body its checks read cannot be decoded.
    done.Push(ex, SP_E_PROTOCOL, status, end_ns, "protocol: content decoding: %s", why.c_str());
    return false;
  }
  const ResponseSpec* spec = ex.request->response.get();
  if (spec == nullptr) {
    done.Push(ex, StatusKind(status), status, end_ns, nullptr);
    return true;
  }
  const ResponseOutcome& o =
      sessions.Evaluate(*spec, ex.vu, ex.iteration, status, StatusKind(status), tap,
                        spec->reads_cookies ? cookies.Find(ex.vu, ex.iteration) : nullptr);
  done.Push(ex, o.error, status, end_ns, o.detail.empty() ? nullptr : "%s", o.detail.c_str());
  done.AnnotateLast(o.failed_check, o.events, o.event_count);
  return true;
}

}  // namespace sp::http
