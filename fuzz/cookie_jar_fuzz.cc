// Fuzzes the cookie jar (lib/cookies/jar.h) as a hostile server would: the first line is the
// request's URL, each further line a Set-Cookie value, or, when it starts with '@', a new URL
// for what follows. After each line the clock moves on (0-2 s), the Cookie header for the
// current URL is written, and what the jar holds is checked against its promises: within its
// limits, every cookie with a name, a path starting with '/', a lower-case domain, at most
// 4096 bytes of name and value, and a header without a control character.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/first_line.h"
#include "lib/cookies/jar.h"
#include "lib/cookies/origin.h"

namespace {

bool SetUrl(std::string_view url, sp::cookies::Origin* origin, std::string* target) {
  std::string err;
  if (sp::cookies::ParseUrl(url, origin, target, &err)) return true;
  if (err.empty()) std::abort();
  return false;
}

void CheckJar(const sp::cookies::Jar& jar, const sp::cookies::JarLimits& limits,
              const std::string& header) {
  if (jar.size() > limits.max_cookies) std::abort();
  for (const sp::cookies::Cookie& c : jar.cookies()) {
    if (c.name.empty() || c.path.empty() || c.path[0] != '/') std::abort();
    if (c.name.size() + c.value.size() > 4096) std::abort();
    for (char ch : c.domain) {
      if (ch >= 'A' && ch <= 'Z') std::abort();
    }
  }
  for (char ch : header) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [url, rest] = SplitFirstLine(data, size);
  sp::cookies::Origin origin;
  std::string target;
  if (!SetUrl(url, &origin, &target) && !SetUrl("http://www.example.com/a/b", &origin, &target)) {
    std::abort();
  }
  const sp::cookies::JarLimits limits{20, 8};
  sp::cookies::Jar jar(limits);
  int64_t now = 1700000000;
  std::string header;
  while (!rest.empty()) {
    const size_t newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (!line.empty() && line[0] == '@') {
      SetUrl(line.substr(1), &origin, &target);
    } else {
      jar.Store(line, origin, target, now);
    }
    now += static_cast<int64_t>(line.size() % 3);
    header.clear();
    const bool any = jar.AppendCookieHeader(origin, target, now, &header);
    if (any == header.empty()) std::abort();
    CheckJar(jar, limits, header);
    if (!jar.empty()) (void)jar.Find(jar.cookies()[0].name, origin, target, now);
  }
  return 0;
}
