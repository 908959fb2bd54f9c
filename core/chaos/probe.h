// Steady-state probes (as in Chaos Toolkit): one HTTP request whose answer says whether the
// system under test is in the state the hypothesis expects.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/plan/plan.h"
#include "lib/net/resolve.h"

namespace sp::chaos {

// A steady-state HTTP probe as the plan writes it (core/plan/plan.h); checked by
// plan::CheckHttpProbe (core/plan/probe_check.h).
using HttpProbeSpec = plan::HttpProbe;

struct ProbeResult {
  bool ok = false;
  std::string observed;            // what was seen: "status 200", "$.status = \"degraded\"", "connection refused"
  std::string message;             // one sentence for reports when !ok
  int status = 0;                  // the HTTP status, 0 when there was no answer
  double elapsed_s = 0;            // connect to the end of the response (or the failure)
};

// Blocking, bounded by the probe's timeout (DNS lookup + connect + whole response: neither a server
// dripping bytes nor a DNS server that does not answer can stretch it). One HTTP/1.1 request
// with `Connection: close` (core/chaos/http_exchange.h); the body is read by Content-Length,
// chunked encoding or until the server closes, up to 4 MiB. Checks, in order: status,
// body_contains, json_path / json_equals. Never throws. `resolver`: lib/net's, but for tests.
ProbeResult RunHttpProbe(const HttpProbeSpec& spec, const net::Resolver& resolver = net::Resolve);

// One GET of `url` (http://) bounded by timeout_s, the same client as the probes: the body of a
// 2xx answer, else false and *err ("connection refused: ...", "HTTP 503"). For the
// Prometheus observers (core/chaos/observer.h).
bool HttpGetText(const std::string& url, double timeout_s, std::string* body, std::string* err);

}  // namespace sp::chaos
