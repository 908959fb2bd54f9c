#include "core/chaos/probe.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/chaos/http_exchange.h"
#include "core/plan/probe_check.h"
#include "lib/http1/syntax.h"
#include "lib/jsonpath/json_path.h"

namespace sp::chaos {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// The URL of a probe or observer, checked by plan::CheckProbeUrl, parsed.
bool ParseUrl(const std::string& url, Poco::URI* out, std::string* err) {
  if (!plan::CheckProbeUrl(url, err)) return false;
  try {
    *out = Poco::URI(url);
    return true;
  } catch (const Poco::Exception& e) {  // CheckProbeUrl parsed it already: not expected
    *err = "url '" + url + "' is not a valid URL: " + e.displayText();
    return false;
  }
}

// The request line, the spec's headers (Content-Length and Connection are the client's), Host
// and User-Agent unless the spec sets them, and the body.
std::string BuildRequest(const HttpProbeSpec& spec, const Poco::URI& uri) {
  std::string target = uri.getPathAndQuery();
  if (target.empty()) target = "/";
  std::string request = spec.method + " " + target + " HTTP/1.1\r\n";
  bool has_host = false, has_agent = false;
  for (const auto& [name, value] : spec.headers) {
    if (http1::IEquals(name, "content-length") || http1::IEquals(name, "connection")) continue;
    has_host |= http1::IEquals(name, "host");
    has_agent |= http1::IEquals(name, "user-agent");
    request += name + ": " + value + "\r\n";
  }
  if (!has_host) {
    request += "Host: " + uri.getHost();
    if (uri.getPort() != 80) request += ":" + std::to_string(uri.getPort());
    request += "\r\n";
  }
  if (!has_agent) request += "User-Agent: stressplan-probe\r\n";
  if (!spec.body.empty() || spec.method == "POST" || spec.method == "PUT" ||
      spec.method == "PATCH") {
    request += "Content-Length: " + std::to_string(spec.body.size()) + "\r\n";
  }
  request += "Connection: close\r\n\r\n";
  request += spec.body;
  return request;
}

HttpAnswer Talk(const HttpProbeSpec& spec, const Poco::URI& uri, const net::Resolver& resolver) {
  HttpExchange exchange;
  exchange.host = uri.getHost();
  exchange.port = uri.getPort();
  exchange.request = BuildRequest(spec, uri);
  exchange.head_request = spec.method == "HEAD";
  exchange.timeout_s = std::chrono::duration<double>(spec.timeout).count();
  return Exchange(exchange, resolver);
}

std::string StatusList(const std::vector<int>& statuses) {
  if (statuses.empty()) return "2xx";
  std::string out = statuses.size() > 1 ? "one of " : "";
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(statuses[i]);
  }
  return out;
}

// The checks in order; each false fills r's observed and message.
bool JudgeStatus(const HttpProbeSpec& spec, const std::string& what, const HttpAnswer& answer,
                 ProbeResult* r) {
  const int status = answer.status;
  const bool ok = spec.statuses.empty() ? status >= 200 && status < 300
                                        : std::find(spec.statuses.begin(), spec.statuses.end(),
                                                    status) != spec.statuses.end();
  if (!ok) {
    r->message = what + " answered " + std::to_string(status) +
                 (answer.reason.empty() ? "" : " " + answer.reason) + "; expected " +
                 StatusList(spec.statuses) + ".";
  }
  return ok;
}

bool JudgeBodyContains(const HttpProbeSpec& spec, const std::string& what, const HttpAnswer& answer,
                       ProbeResult* r) {
  if (spec.body_contains.empty() || answer.body.find(spec.body_contains) != std::string::npos) {
    return true;
  }
  r->observed += ", body: " + plan::Snippet(answer.body);
  r->message =
      "The body of " + what + " does not contain \"" + plan::Snippet(spec.body_contains) + "\".";
  return false;
}

bool JudgeJson(const HttpProbeSpec& spec, const std::string& what, const HttpAnswer& answer,
               ProbeResult* r) {
  if (spec.json_path.empty() && !spec.json_equals) return true;
  const std::string label = spec.json_path.empty() ? "$" : spec.json_path;
  const json doc = json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    r->observed += ", body not JSON: " + plan::Snippet(answer.body);
    r->message = "The body of " + what + " is not JSON, so " + label + " cannot be read.";
    return false;
  }
  jsonpath::JsonPath path;
  std::string err;
  path.Parse(spec.json_path, &err);  // checked before the request
  const json* value = path.Find(doc);
  if (value == nullptr) {
    r->observed = label + " missing";
    r->message = "The JSON body of " + what + " has no " + label + ".";
    return false;
  }
  r->observed = label + " = " + plan::Snippet(value->dump(), 200);
  if (!spec.json_equals) return true;
  const json expected = json::parse(*spec.json_equals);
  if (*value == expected) return true;
  r->message = what + ": expected " + label + " = " + plan::Snippet(expected.dump(), 200) +
               ", got " + plan::Snippet(value->dump(), 200) + ".";
  return false;
}

}  // namespace

bool HttpGetText(const std::string& url, double timeout_s, std::string* body, std::string* err) {
  HttpProbeSpec spec;
  spec.url = url;
  spec.timeout =
      std::chrono::duration_cast<plan::Duration>(std::chrono::duration<double>(timeout_s));
  Poco::URI uri;
  if (!ParseUrl(url, &uri, err)) return false;
  HttpAnswer answer = Talk(spec, uri, net::Resolve);
  if (!answer.answered) {
    *err = answer.failure + ": " + answer.detail;
    return false;
  }
  if (answer.status < 200 || answer.status >= 300) {
    *err = "HTTP " + std::to_string(answer.status);
    return false;
  }
  *body = std::move(answer.body);
  return true;
}

ProbeResult RunHttpProbe(const HttpProbeSpec& spec, const net::Resolver& resolver) {
  ProbeResult r;
  std::string err;
  Poco::URI uri;
  if (!plan::CheckHttpProbe(spec, &err) || !ParseUrl(spec.url, &uri, &err)) {
    r.observed = "invalid probe";
    r.message = "The probe is invalid: " + err + ".";
    return r;
  }
  const std::string what = spec.method + " " + spec.url;
  const auto start = Clock::now();
  const HttpAnswer answer = Talk(spec, uri, resolver);
  r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  r.status = answer.status;
  if (!answer.answered) {
    r.observed = answer.failure;
    r.message = what + " failed: " + answer.detail + ".";
    return r;
  }
  r.observed = "status " + std::to_string(answer.status);
  r.ok = JudgeStatus(spec, what, answer, &r) && JudgeBodyContains(spec, what, answer, &r) &&
         JudgeJson(spec, what, answer, &r);
  return r;
}

}  // namespace sp::chaos
