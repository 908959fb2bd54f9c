// Character-level HTTP/1.1 syntax (RFC 9110 §5.6) shared by the request builder, the option
// checks and the response parser.
#pragma once

#include <string_view>

namespace sp::http {

// tchar: the characters of a method or a header field name.
bool is_token_char(char c);
bool is_token(std::string_view s);

// A field value we are willing to send: no CR, LF, NUL or other control character but HTAB.
bool is_field_value(std::string_view s);

// ASCII case-insensitive equality, as header names compare.
bool iequals(std::string_view a, std::string_view b);

// Strips optional whitespace (SP, HTAB) from both ends.
std::string_view trim_ows(std::string_view s);

}  // namespace sp::http
