// Response rules (target and request option `rules`): named events fired by responses that
// match, e.g. a circuit breaker opening. Rules never make a request an error.
//
//   rules:
//     - event: circuit_open
//       when: {status: 503, header: {name: X-Circuit-State, equals: open}}
//
// `when` holds one or more conditions (the kinds checks use: status, header, body_contains,
// body_matches, json); the event fires when all of them hold.
//
// Also here: ResponseSpec, everything one request step does with its response, and
// EvaluateResponse, which applies it when the response is complete.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "plugins/http_target/body_capture.h"
#include "plugins/http_target/captures.h"
#include "plugins/http_target/checks.h"
#include "plugins/http_target/option_error.h"
#include "plugins/http_target/response_outcome.h"
#include "plugins/http_target/template_values.h"

namespace sp::http {

struct Rule {
  std::string event;
  uint32_t id = 0;  // interned event name
  std::vector<Condition> when;

  bool NeedsBody() const;
  bool Matches(const ResponseView& r, bool body_usable) const;
};

// Parses a `rules` option: a list of {event: name, when: {<conditions>}}. `pointer` is where
// the list sits ("" for the target's option, "/rules" for a request's).
bool ParseRules(const nlohmann::json& value, const std::string& option, const std::string& pointer,
                std::vector<Rule>* out, OptionError* err);

struct ResponseSpec {
  std::vector<Check> checks;
  std::vector<Capture> captures;
  std::vector<Rule> rules;                          // the step's own
  const std::vector<Rule>* target_rules = nullptr;  // the target's, applied first
  TapSpec tap;                                      // what the worker keeps of the response
  bool has_status_check = false;
  bool needs_json = false;
  bool reads_cookies = false;  // a {cookie: name} capture: the VU's jar is looked up
  uint32_t over_limit_id = 0;  // interned "response body over max_body_capture"
};

// The name of the failed check reported when a body needed by a check or capture was longer
// than max_body_capture.
inline constexpr const char* kBodyOverLimitCheck = "response body over max_body_capture";

// Applies `spec` to a complete response.
//   status_error: the status-based kind (http_4xx, http_5xx or none). It stands when the step
//     has no status check; with one, the status checks decide instead.
//   vars: the VU's variables for this iteration (captures are stored there); may be nullptr
//     when the step has no captures.
//   jar: the VU's cookie jar, read by cookie captures; nullptr when it has none.
// Checks run in order and the first failure is reported; captures that find nothing (and
// have no default) fail the request as check "capture <name>" unless an earlier cause was
// reported; every rule is tested whatever the outcome.
void EvaluateResponse(const ResponseSpec& spec, int status, sp_error_kind status_error,
                      const ResponseTap& tap, VuVars* vars, ResponseOutcome* out,
                      const cookies::Jar* jar = nullptr);

}  // namespace sp::http
