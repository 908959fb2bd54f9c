// The date of a cookie's Expires attribute, read the forgiving way RFC 6265 §5.1.1 prescribes:
// tokens split on delimiters, the first token that looks like a time, a day of the month, a
// month and a year (in that order of preference) are taken, whatever their order and whatever
// surrounds them. So all of these read as the same instant:
//
//   Sun, 06 Nov 1994 08:49:37 GMT      (RFC 1123)
//   Sunday, 06-Nov-94 08:49:37 GMT     (RFC 850: two-digit years 70-99 are 19xx, 00-69 20xx)
//   Sun Nov  6 08:49:37 1994           (asctime)
//
// The time zone is ignored (it is always UTC).
#pragma once

#include <cstdint>
#include <string_view>

namespace sp::cookies {

// Unix seconds of `text` in *unix_s, or false when it is not a cookie date: a time, a day, a
// month or a year missing, a field out of range (day 1-31, year from 1601, 23:59:59 at most),
// or a day the month does not have (31 Feb).
bool ParseCookieDate(std::string_view text, int64_t* unix_s);

}  // namespace sp::cookies
