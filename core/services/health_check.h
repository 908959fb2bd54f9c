// The readiness probe of a service: one blocking HTTP/1.1 GET.
#pragma once

#include <chrono>
#include <string>

namespace sp::services {

// GETs `url` (http:// only) with `timeout` for connecting and for each read/write. True on a
// 2xx answer; otherwise false with *err ("HTTP 503", "Connection refused", ...).
bool HttpGetOk(const std::string& url, std::chrono::milliseconds timeout, std::string* err);

// Whether `url` is one HttpGetOk() can probe: http://host[:port][/path]. *err says why not.
bool CheckHealthUrl(const std::string& url, std::string* err);

}  // namespace sp::services
