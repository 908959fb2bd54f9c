#include "lib/cookies/set_cookie.h"

#include <limits>

#include "lib/cookies/cookie_date.h"
#include "lib/http1/syntax.h"

namespace sp::cookies {
namespace {

// Max-Age's value: an optional '-' and at least one digit, nothing else (§5.2.2). Saturates
// instead of overflowing: any number of digits is valid.
std::optional<int64_t> ParseMaxAge(std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t seconds = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    seconds = seconds > (kMax - digit) / 10 ? kMax : seconds * 10 + digit;
  }
  return negative ? -seconds : seconds;
}

// One "Name=value" or "Name" attribute (§5.2.1 to §5.2.6).
void TakeAttribute(std::string_view av, SetCookie* out) {
  const size_t equals = av.find('=');
  const std::string_view name = http1::TrimOws(av.substr(0, equals));
  const std::string_view value =
      equals == std::string_view::npos ? std::string_view() : http1::TrimOws(av.substr(equals + 1));
  if (value.size() > kMaxAttributeValueBytes) return;
  if (http1::IEquals(name, "expires")) {
    int64_t when;
    if (ParseCookieDate(value, &when)) out->expires_s = when;
  } else if (http1::IEquals(name, "max-age")) {
    if (const std::optional<int64_t> seconds = ParseMaxAge(value)) out->max_age_s = seconds;
  } else if (http1::IEquals(name, "domain")) {
    if (!value.empty()) out->domain = value[0] == '.' ? value.substr(1) : value;
  } else if (http1::IEquals(name, "path")) {
    out->path = !value.empty() && value[0] == '/' ? value : std::string_view();
  } else if (http1::IEquals(name, "secure")) {
    out->secure = true;
  } else if (http1::IEquals(name, "httponly")) {
    out->http_only = true;
  }
}

}  // namespace

SetCookieStatus ParseSetCookie(std::string_view text, SetCookie* out) {
  *out = SetCookie();
  if (!http1::IsFieldValue(text)) return SetCookieStatus::kControlCharacter;
  const size_t semicolon = text.find(';');
  const std::string_view pair = text.substr(0, semicolon);
  const size_t equals = pair.find('=');
  if (equals == std::string_view::npos) return SetCookieStatus::kMalformed;
  out->name = http1::TrimOws(pair.substr(0, equals));
  out->value = http1::TrimOws(pair.substr(equals + 1));
  if (out->name.empty()) return SetCookieStatus::kMalformed;
  if (out->name.size() + out->value.size() > kMaxNameValueBytes) return SetCookieStatus::kTooLarge;
  size_t at = semicolon;
  while (at != std::string_view::npos) {
    const size_t next = text.find(';', at + 1);
    TakeAttribute(text.substr(at + 1, next == std::string_view::npos ? next : next - at - 1), out);
    at = next;
  }
  return SetCookieStatus::kOk;
}

}  // namespace sp::cookies
