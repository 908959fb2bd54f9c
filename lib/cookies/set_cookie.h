// One Set-Cookie header value, parsed as RFC 6265 §5.2 says a user agent must: "name=value"
// up to the first ';', then attributes "Name=value" or "Name" separated by ';', names compared
// case-insensitively, spaces and tabs around names and values dropped, unknown attributes
// (SameSite, Priority, ...) and invalid values ignored, the last valid one of each kind wins.
//
// Two rules come from RFC 6265's successor (draft rfc6265bis), which browsers follow and which
// keep a hostile server from getting anything odd back into a request: a value with a control
// character other than tab refuses the whole cookie (it would otherwise be sent back in a
// Cookie header), and an attribute value over 1024 bytes is ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sp::cookies {

// RFC 6265 §6.1: a user agent keeps cookies of at least 4096 bytes (name + value).
inline constexpr size_t kMaxNameValueBytes = 4096;
// rfc6265bis: longer attribute values are ignored.
inline constexpr size_t kMaxAttributeValueBytes = 1024;

enum class SetCookieStatus {
  kOk,
  kMalformed,         // no '=' before the first ';', or an empty name
  kControlCharacter,  // a byte 0x00-0x08, 0x0A-0x1F or 0x7F anywhere
  kTooLarge,          // name + value over kMaxNameValueBytes
};

// What a Set-Cookie value says; the views point into the parsed text.
struct SetCookie {
  std::string_view name;
  std::string_view value;
  // The last valid Max-Age in seconds (zero or negative: expired at once). It wins over Expires.
  std::optional<int64_t> max_age_s;
  // The last valid Expires, unix seconds.
  std::optional<int64_t> expires_s;
  // The last non-empty Domain without its leading '.', as written (not yet lower-case); empty
  // when there is none (or it was "."): the cookie is host-only.
  std::string_view domain;
  // The last Path; empty when there is none or the last one does not start with '/': the
  // cookie gets the default path of the request (matching.h DefaultPath).
  std::string_view path;
  bool secure = false;
  bool http_only = false;
};

// Parses `text` (the header's value, without "Set-Cookie:") into *out.
SetCookieStatus ParseSetCookie(std::string_view text, SetCookie* out);

}  // namespace sp::cookies
