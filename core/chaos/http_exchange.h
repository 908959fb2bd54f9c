// One HTTP/1.1 exchange under one deadline — DNS lookup, connect, send and the whole answer —
// for the steady-state probes and the Prometheus observers (core/chaos/probe.h). The answer is
// read with lib/http1's parser: Content-Length, chunked, or until the server closes; interim
// 1xx answers skipped; no body for HEAD, 204 and 304. A server dripping bytes cannot stretch
// the deadline, and neither can a DNS server that does not answer (lib/net's ResolveWithin).
#pragma once

#include <cstdint>
#include <string>

#include "lib/net/resolve.h"

namespace sp::chaos {

struct HttpExchange {
  std::string host;  // a name or an IP literal, without brackets
  uint16_t port = 80;
  std::string request;        // the bytes to send: head and body
  bool head_request = false;  // the answer to HEAD has no body whatever its headers say
  double timeout_s = 2;
};

struct HttpAnswer {
  bool answered = false;  // a complete response was read
  bool timed_out = false;
  int status = 0;  // also set when the body timed out or broke off
  std::string reason;
  std::string body;     // decoded (chunk framing removed), at most 4 MiB
  std::string failure;  // when !answered, what was observed: "connection refused", ...
  std::string detail;   // when !answered, the longer explanation
};

// Never throws. `resolver` is lib/net's Resolve but for tests.
HttpAnswer Exchange(const HttpExchange& exchange, const net::Resolver& resolver = net::Resolve);

}  // namespace sp::chaos
