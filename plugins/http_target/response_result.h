// The result of a complete, final response (not a redirect being followed), whatever protocol
// carried it: the kept body is decoded, and the step's checks, captures and rules decide the
// error kind and events (response_rules.h) — or the status alone does. The caller has put the
// response's Set-Cookie fields into the VU's jar first (CookieSessions::Store), so that captures
// and later steps see them.
#pragma once

#include <cstdint>

#include "plugins/http_target/body_capture.h"
#include "plugins/http_target/completion_queue.h"
#include "plugins/http_target/connection.h"
#include "plugins/http_target/cookie_session.h"
#include "plugins/http_target/vu_sessions.h"
#include "stressplan/target.h"

namespace sp::http {

// http_4xx / http_5xx by status, else none.
sp_error_kind StatusKind(int status);

// Queues the result of `ex`, whose response (status and tap) is complete, into `done`. false
// when the body its checks read could not be decoded (the result queued is `protocol`).
bool PushFinalResponse(const Exchange& ex, int status, ResponseTap& tap, uint64_t end_ns,
                       VuSessions& sessions, CookieSessions& cookies, CompletionQueue& done);

}  // namespace sp::http
