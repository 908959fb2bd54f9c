#include "core/plan/probe_check.h"

#include <strings.h>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <nlohmann/json.hpp>

#include "lib/http1/syntax.h"
#include "lib/jsonpath/json_path.h"
#include "lib/prometheus/prometheus.h"

namespace sp::plan {
namespace {

bool CheckHeaders(const HttpProbe& probe, std::string* err) {
  for (const auto& [name, value] : probe.headers) {
    if (!http1::IsToken(name)) {
      *err = "headers: '" + name + "' is not a valid header name";
      return false;
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
      *err = "headers: the value of '" + name + "' contains a line break";
      return false;
    }
  }
  return true;
}

bool CheckStatuses(const HttpProbe& probe, std::string* err) {
  for (int s : probe.statuses) {
    if (s < 100 || s > 599) {
      *err = "statuses: " + std::to_string(s) + " is not an HTTP status (100-599)";
      return false;
    }
  }
  return true;
}

bool CheckJson(const HttpProbe& probe, std::string* err) {
  jsonpath::JsonPath path;
  std::string why;
  if (!path.Parse(probe.json_path, &why)) {
    *err = "json_path " + why;
    return false;
  }
  if (probe.json_equals && !nlohmann::json::accept(*probe.json_equals)) {
    *err = "json_equals '" + Snippet(*probe.json_equals) +
           "' is not valid JSON (a string needs quotes: \"\\\"ok\\\"\")";
    return false;
  }
  return true;
}

}  // namespace

bool CheckHttpUrl(const std::string& url, const std::string& field, std::string* err) {
  try {
    const Poco::URI uri(url);
    if (uri.getScheme() != "http") {
      *err = field + " '" + url + "' must start with http://";
      return false;
    }
    if (uri.getHost().empty()) {
      *err = field + " '" + url + "' has no host";
      return false;
    }
    return true;
  } catch (const Poco::Exception& e) {
    *err = field + " '" + url + "' is not a valid URL: " + e.displayText();
    return false;
  }
}

bool CheckProbeUrl(const std::string& url, std::string* err) {
  if (strncasecmp(url.c_str(), "https://", 8) == 0) {
    *err = "url '" + url + "': https:// is not supported by HTTP probes; use http://";
    return false;
  }
  return CheckHttpUrl(url, "url", err);
}

bool CheckHttpProbe(const HttpProbe& probe, std::string* err) {
  if (!CheckProbeUrl(probe.url, err)) return false;
  if (!http1::IsToken(probe.method)) {
    *err = "method '" + probe.method + "' is not an HTTP method name";
    return false;
  }
  if (!CheckHeaders(probe, err) || !CheckStatuses(probe, err)) return false;
  if (probe.timeout.count() <= 0) {
    *err = "timeout must be longer than 0";
    return false;
  }
  return CheckJson(probe, err);
}

bool CheckProbesAndObservers(const Plan& plan, Diagnostics* errors) {
  bool ok = true;
  std::string err;
  for (size_t i = 0; i < plan.observers.size(); ++i) {
    prometheus::PromSelector selector;
    if (!prometheus::PromSelector::Parse(plan.observers[i].metric, &selector, &err)) {
      ok = AddError(errors, plan.observers[i].loc, "observers." + std::to_string(i) + ".metric",
                    err);
    }
  }
  for (size_t i = 0; i < plan.chaos.steady_state.size(); ++i) {
    const Probe& p = plan.chaos.steady_state[i];
    if (p.http && !CheckHttpProbe(*p.http, &err)) {
      ok = AddError(errors, p.loc, "chaos.steady_state." + std::to_string(i) + ".http", err);
    }
  }
  return ok;
}

std::string Snippet(std::string_view s, size_t n) {
  std::string out;
  for (char c : s.substr(0, n)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (s.size() > n) out += "...";
  return out;
}

}  // namespace sp::plan
