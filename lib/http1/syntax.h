// Character-level HTTP/1.1 syntax (RFC 9110 §5.6), shared by the HTTP target's request builder
// and option checks, the fault proxy's option checks and the message parser.
#pragma once

#include <string_view>

namespace sp::http1 {

// tchar: the characters of a method or a header field name.
bool IsTokenChar(char c);
bool IsToken(std::string_view s);

// A field value we are willing to send: no CR, LF, NUL or other control character but HTAB.
bool IsFieldValue(std::string_view s);

// ASCII case-insensitive equality, as header names compare.
bool IEquals(std::string_view a, std::string_view b);

// Strips optional whitespace (SP, HTAB) from both ends.
std::string_view TrimOws(std::string_view s);

}  // namespace sp::http1
