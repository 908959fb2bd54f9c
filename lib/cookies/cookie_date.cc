#include "lib/cookies/cookie_date.h"

#include <cstddef>

namespace sp::cookies {
namespace {

// delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E (RFC 6265 §5.1.1).
bool IsDelimiter(unsigned char c) {
  return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) ||
         (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads min..max digits from token[*at] on; false when fewer than `min`. More digits than `max`
// are left for the caller to refuse (the grammar wants a non-digit or the end after them).
bool ReadDigits(std::string_view token, size_t* at, int min, int max, int* value) {
  int count = 0;
  *value = 0;
  while (*at < token.size() && count < max && IsDigit(token[*at])) {
    *value = *value * 10 + (token[*at] - '0');
    ++*at;
    ++count;
  }
  return count >= min;
}

// The end of the token, or a non-digit followed by anything ("( non-digit *OCTET )").
bool DigitsEndHere(std::string_view token, size_t at) {
  return at == token.size() || !IsDigit(token[at]);
}

// time = hms-time ( non-digit *OCTET ); hms-time = time-field ":" time-field ":" time-field.
bool MatchTime(std::string_view token, int* hour, int* minute, int* second) {
  size_t at = 0;
  if (!ReadDigits(token, &at, 1, 2, hour) || at == token.size() || token[at++] != ':') {
    return false;
  }
  if (!ReadDigits(token, &at, 1, 2, minute) || at == token.size() || token[at++] != ':') {
    return false;
  }
  return ReadDigits(token, &at, 1, 2, second) && DigitsEndHere(token, at);
}

// day-of-month = 1*2DIGIT ( non-digit *OCTET ); year = 2*4DIGIT ( non-digit *OCTET ).
bool MatchNumber(std::string_view token, int min, int max, int* value) {
  size_t at = 0;
  return ReadDigits(token, &at, min, max, value) && DigitsEndHere(token, at);
}

// month = ( "jan" / "feb" / ... ) *OCTET, case-insensitively: 1 to 12.
bool MatchMonth(std::string_view token, int* month) {
  static constexpr std::string_view kMonths = "janfebmaraprmayjunjulaugsepoctnovdec";
  if (token.size() < 3) return false;
  char lower[3];
  for (int i = 0; i < 3; ++i) {
    const char c = token[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  for (int m = 0; m < 12; ++m) {
    if (kMonths.substr(m * 3, 3) == std::string_view(lower, 3)) {
      *month = m + 1;
      return true;
    }
  }
  return false;
}

struct DateFields {
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;
};

// Step 2 of the algorithm for one token: the first production it matches among those not yet
// found, in the order time, day of month, month, year.
void TakeToken(std::string_view token, DateFields* f) {
  if (!f->found_time && MatchTime(token, &f->hour, &f->minute, &f->second)) {
    f->found_time = true;
  } else if (!f->found_day && MatchNumber(token, 1, 2, &f->day)) {
    f->found_day = true;
  } else if (!f->found_month && MatchMonth(token, &f->month)) {
    f->found_month = true;
  } else if (!f->found_year && MatchNumber(token, 2, 4, &f->year)) {
    f->found_year = true;
  }
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

bool ParseCookieDate(std::string_view text, int64_t* unix_s) {
  DateFields f;
  size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && IsDelimiter(static_cast<unsigned char>(text[at]))) ++at;
    const size_t start = at;
    while (at < text.size() && !IsDelimiter(static_cast<unsigned char>(text[at]))) ++at;
    if (at > start) TakeToken(text.substr(start, at - start), &f);
  }
  if (f.found_year && f.year >= 70 && f.year <= 99) f.year += 1900;
  if (f.found_year && f.year >= 0 && f.year <= 69) f.year += 2000;
  if (!f.found_time || !f.found_day || !f.found_month || !f.found_year) return false;
  if (f.day < 1 || f.day > 31 || f.year < 1601 || f.hour > 23 || f.minute > 59 || f.second > 59) {
    return false;
  }
  if (f.day > DaysInMonth(f.year, f.month)) return false;
  *unix_s =
      DaysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.minute * 60 + f.second;
  return true;
}

}  // namespace sp::cookies
