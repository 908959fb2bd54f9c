// Steady-state probes (as in Chaos Toolkit): one HTTP request whose answer says whether the
// system under test is in the state the hypothesis expects.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sp::chaos {

struct HttpProbeSpec {
  std::string url;                 // http:// only (say so in the error for https://)
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<int> statuses;       // accepted statuses; empty: any 2xx
  std::string body_contains;       // empty: not checked
  std::string json_path;           // "$.a.b[0]" or "/a/b/0" (JSON pointer); empty: not checked
  // JSON text the value must equal (e.g. "\"ok\"", "true", "3"); numbers compare by value
  // (3 equals 3.0). Without json_path it is compared with the whole body.
  std::optional<std::string> json_equals;
  double timeout_s = 2;
};

struct ProbeResult {
  bool ok = false;
  std::string observed;            // what was seen: "status 200", "$.status = \"degraded\"", "connection refused"
  std::string message;             // one sentence for reports when !ok
  int status = 0;                  // the HTTP status, 0 when there was no answer
  double elapsed_s = 0;            // connect to the end of the response (or the failure)
};

// Blocking, bounded by timeout_s (connect + whole response: a server dripping bytes cannot
// stretch it). One HTTP/1.1 request with `Connection: close`; the body is read by
// Content-Length, chunked encoding or until the server closes, up to 4 MiB. Checks, in order:
// status, body_contains, json_path / json_equals. Never throws.
ProbeResult RunHttpProbe(const HttpProbeSpec& spec);

// One GET of `url` (http://) bounded by timeout_s, the same client as the probes: the body of a
// 2xx answer, else false and *err ("connection refused: ...", "HTTP 503"). For the
// Prometheus observers (core/chaos/observer.h).
bool HttpGetText(const std::string& url, double timeout_s, std::string* body, std::string* err);

// Validates a spec up front (url parse, json_path syntax, json_equals is valid JSON); false +
// *err naming the field.
bool CheckHttpProbe(const HttpProbeSpec& spec, std::string* err);

}  // namespace sp::chaos
