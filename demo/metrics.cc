#include "demo/metrics.h"

#include <cstring>
#include <sstream>

namespace sp::demo {
namespace {

void Header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

// Label values here are fixed strings of ours: nothing to escape.
void Sample(std::ostringstream& out, const char* name, const char* label, const std::string& value,
            std::uint64_t n) {
  out << name << '{' << label << "=\"" << value << "\"} " << n << '\n';
}

}  // namespace

std::string PrometheusText(const Stats& stats, const CircuitCounts* circuit) {
  std::ostringstream out;
  const char* requests = "stressplan_demo_requests_total";
  Header(out, requests, "counter", "Requests answered, by path (other: every unknown path).");
  Sample(out, requests, "path", "/webhook", stats.Served(Route::kWebhook));
  Sample(out, requests, "path", "/health", stats.Served(Route::kHealth));
  Sample(out, requests, "path", "other", stats.Served(Route::kOther));
  if (stats.upstream_role()) Sample(out, requests, "path", "/v1/reply", stats.Served(Route::kReply));

  const char* responses = "stressplan_demo_responses_total";
  Header(out, responses, "counter", "Responses sent, by status code.");
  for (int s = 100; s < 600; ++s) {
    if (std::uint64_t n = stats.Responses(s)) Sample(out, responses, "code", std::to_string(s), n);
  }
  if (circuit == nullptr) return out.str();

  const char* calls = "stressplan_demo_upstream_calls_total";
  Header(out, calls, "counter",
         "Upstream calls by outcome; rejected: answered 503 by the circuit breaker, not made.");
  Sample(out, calls, "outcome", "ok", circuit->ok);
  Sample(out, calls, "outcome", "error", circuit->error);
  Sample(out, calls, "outcome", "timeout", circuit->timeout);
  Sample(out, calls, "outcome", "rejected", circuit->rejected);

  const char* state = "stressplan_demo_circuit_state";
  Header(out, state, "gauge", "The circuit breaker's state: 1 for the current one, else 0.");
  for (const char* s : {"closed", "open", "half_open"}) {
    Sample(out, state, "state", s, std::strcmp(s, circuit->state) == 0 ? 1 : 0);
  }

  const char* transitions = "stressplan_demo_circuit_transitions_total";
  Header(out, transitions, "counter", "Circuit breaker transitions, by the state entered.");
  Sample(out, transitions, "to", "open", circuit->to_open);
  Sample(out, transitions, "to", "half_open", circuit->to_half_open);
  Sample(out, transitions, "to", "closed", circuit->to_closed);
  return out.str();
}

}  // namespace sp::demo
