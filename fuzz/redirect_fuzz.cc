// Redirects (plugins/http_target/redirect.h, uri_reference.h): the Location a server sends is
// resolved against the request's URL and may become the next request's line. Line 1 is the
// request-target the step sent, the rest the Location. Besides "no crash": a followed
// redirect's request-target starts with '/' and holds no byte a request line cannot carry
// (no space, control character or byte >= 0x7f: nothing a server could smuggle into the next
// request); dot-segment removal is idempotent; and the next hop's request is a well-formed
// head for every status.
#include <cstdlib>
#include <string>

#include "fuzz/first_line.h"
#include "plugins/http_target/base_url.h"
#include "plugins/http_target/redirect.h"
#include "plugins/http_target/uri_reference.h"

namespace {

const sp::http::BaseUrl& Base() {
  static const sp::http::BaseUrl base = [] {
    sp::http::BaseUrl b;
    std::string err;
    if (!sp::http::ParseBaseUrl("http://shop.test:8080", &b, &err)) std::abort();
    return b;
  }();
  return base;
}

bool RequestLineSafe(const std::string& target) {
  if (target.empty() || target[0] != '/') return false;
  for (unsigned char c : target) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [line, rest] = SplitFirstLine(data, size);
  std::string path(line);
  for (char& c : path) {
    if (static_cast<unsigned char>(c) <= 0x20) c = '_';  // the builder never sends these
  }
  if (path.empty() || path[0] != '/') path.insert(0, "/");
  const std::string request = "POST " + path + " HTTP/1.1\r\nHost: shop.test:8080\r\n" +
                              "Cookie: a=1\r\nContent-Length: 2\r\n\r\nhi";
  const std::string location(rest);

  const std::string once = sp::http::RemoveDotSegments(location);
  if (sp::http::RemoveDotSegments(once) != once) std::abort();

  for (int status : {301, 303, 307}) {
    const sp::http::RedirectDecision d =
        sp::http::DecideRedirect(status, &location, Base(), request, 0, 10);
    if (d.action != sp::http::RedirectAction::kFollow) continue;
    if (!RequestLineSafe(d.target)) std::abort();
    std::string next;
    sp::http::RedirectRequest(request, status, d.target, true, &next);
    const size_t head_end = next.find("\r\n\r\n");
    if (head_end == std::string::npos) std::abort();
    if (next.find("\r\nCookie:") < head_end) std::abort();  // the jar's field was dropped
    const bool get = status != 307;
    if (next.compare(0, get ? 4 : 5, get ? "GET " : "POST ") != 0) std::abort();
    if (get != (next.size() == head_end + 4)) std::abort();  // a GET has no body, 307 keeps it
  }
  return 0;
}
