// The checks of the chaos section that need no plugin: the observers' Prometheus selectors and
// the steady-state HTTP probes (URL, method, headers, statuses, timeout, JSON path and value).
// The loader runs them after the schema (plan_loader.cc), so `validate` and `run` report them,
// located, before any plugin is loaded; the probe runner (core/chaos/probe.h) checks a probe
// with the same function before it sends anything.
#pragma once

#include <string>
#include <string_view>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"

namespace sp::plan {

// A plain-HTTP URL the plan asks the core to request (a service's health_url, a probe's url):
// http:// with a host. False with *err naming `field` ("health_url 'x' must start with
// http://", "... has no host", "... is not a valid URL: ...").
bool CheckHttpUrl(const std::string& url, const std::string& field, std::string* err);

// An HTTP probe's or observer's URL: CheckHttpUrl's, and an https:// one said so ("url 'x':
// https:// is not supported by HTTP probes; use http://").
bool CheckProbeUrl(const std::string& url, std::string* err);

// Everything about one HTTP probe; false with *err naming the field ("method 'GE T' is not an
// HTTP method name", "json_path '$x': ...", "json_equals 'ok' is not valid JSON ...").
bool CheckHttpProbe(const HttpProbe& probe, std::string* err);

// Every observer's selector and every HTTP probe of the plan; located errors.
bool CheckProbesAndObservers(const Plan& plan, Diagnostics* errors);

// At most `n` characters of `s` for a message, control characters shown as spaces, "..." when
// cut (probe specs here, probe answers in core/chaos).
std::string Snippet(std::string_view s, size_t n = 80);

}  // namespace sp::plan
