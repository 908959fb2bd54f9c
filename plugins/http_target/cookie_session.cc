#include "plugins/http_target/cookie_session.h"

#include "plugins/http_target/template_values.h"

namespace sp::http {
namespace {

int64_t NowS() { return UnixTimeNs() / 1'000'000'000; }

}  // namespace

std::string_view RequestTargetOf(std::string_view request) {
  const size_t start = request.find(' ');
  if (start == std::string_view::npos) return "/";
  const size_t end = request.find(' ', start + 1);
  if (end == std::string_view::npos || end == start + 1) return "/";
  return request.substr(start + 1, end - start - 1);
}

CookieSessions::VuJar* CookieSessions::Lookup(uint32_t vu, uint64_t iteration, bool create) {
  auto it = jars_.find(vu);
  if (it == jars_.end()) {
    if (!create) return nullptr;
    it = jars_.try_emplace(vu).first;
    it->second.iteration = iteration;
  }
  VuJar& v = it->second;
  if (config_.cookies_reset_iteration && v.iteration != iteration) {
    v.jar.Clear();
    v.iteration = iteration;
  }
  return &v;
}

const cookies::Jar* CookieSessions::Find(uint32_t vu, uint64_t iteration) {
  VuJar* v = Lookup(vu, iteration, /*create=*/false);
  return v != nullptr ? &v->jar : nullptr;
}

bool CookieSessions::AddCookieHeader(uint32_t vu, uint64_t iteration, std::string_view request,
                                     std::string* out) {
  VuJar* v = Lookup(vu, iteration, /*create=*/false);
  if (v == nullptr || v->jar.empty()) return false;
  line_.assign("Cookie: ");
  if (!v->jar.AppendCookieHeader(config_.origin, RequestTargetOf(request), NowS(), &line_)) {
    return false;
  }
  line_.append("\r\n");
  const size_t blank = request.find("\r\n\r\n");
  if (blank == std::string_view::npos) return false;  // never: the builder ends every head
  const size_t head_end = blank + 2;                  // after the last field's CRLF
  out->assign(request.substr(0, head_end)).append(line_).append(request.substr(head_end));
  return true;
}

void CookieSessions::Store(uint32_t vu, uint64_t iteration, std::string_view request,
                           const std::vector<std::string>& set_cookies) {
  if (set_cookies.empty()) return;
  VuJar* v = Lookup(vu, iteration, /*create=*/true);
  const std::string_view target = RequestTargetOf(request);
  const int64_t now = NowS();
  for (const std::string& value : set_cookies) v->jar.Store(value, config_.origin, target, now);
}

}  // namespace sp::http
