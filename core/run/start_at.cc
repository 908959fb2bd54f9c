#include "core/run/start_at.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace sp::run {
namespace {

constexpr const char* kExpected =
    "expected an RFC 3339 time with its offset (2026-01-02T03:04:05Z, "
    "2026-01-02T04:04:05.5+01:00) or epoch seconds (1767323045.5)";

// Reads exactly `digits` decimal digits at text[*pos].
bool Digits(std::string_view text, size_t* pos, size_t digits, int* out) {
  if (*pos + digits > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += digits;
  *out = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, std::string_view chars) {
  if (*pos >= text.size() || chars.find(text[*pos]) == std::string_view::npos) return false;
  ++*pos;
  return true;
}

// ".fff..." after the seconds, if there: its value in [0, 1).
bool Fraction(std::string_view text, size_t* pos, double* out) {
  *out = 0;
  if (*pos >= text.size() || text[*pos] != '.') return true;
  ++*pos;
  double scale = 0.1;
  const size_t first = *pos;
  while (*pos < text.size() && text[*pos] >= '0' && text[*pos] <= '9') {
    *out += (text[*pos] - '0') * scale;
    scale /= 10;
    ++*pos;
  }
  return *pos > first;
}

// "Z", or "+hh:mm" / "-hh:mm": seconds to subtract from the local time to get UTC.
bool Offset(std::string_view text, size_t* pos, int64_t* seconds) {
  if (Expect(text, pos, "Zz")) {
    *seconds = 0;
    return *pos == text.size();
  }
  const bool plus = *pos < text.size() && text[*pos] == '+';
  int h = 0;
  int m = 0;
  if (!Expect(text, pos, "+-") || !Digits(text, pos, 2, &h) || !Expect(text, pos, ":") ||
      !Digits(text, pos, 2, &m) || *pos != text.size() || h > 23 || m > 59) {
    return false;
  }
  *seconds = (plus ? 1 : -1) * (h * 3600 + m * 60);
  return true;
}

bool Rfc3339(std::string_view text, double* unix_s, std::string* err) {
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  double frac = 0;
  int64_t offset = 0;
  if (!Digits(text, &pos, 4, &y) || !Expect(text, &pos, "-") || !Digits(text, &pos, 2, &mo) ||
      !Expect(text, &pos, "-") || !Digits(text, &pos, 2, &d) || !Expect(text, &pos, "Tt") ||
      !Digits(text, &pos, 2, &h) || !Expect(text, &pos, ":") || !Digits(text, &pos, 2, &mi) ||
      !Expect(text, &pos, ":") || !Digits(text, &pos, 2, &s) || !Fraction(text, &pos, &frac) ||
      !Offset(text, &pos, &offset)) {
    *err = std::string(kExpected) + ", got \"" + std::string(text) + "\"";
    return false;
  }
  using namespace std::chrono;
  const year_month_day date{year(y), month(static_cast<unsigned>(mo)),
                            day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) {  // 60: a leap second, as RFC 3339 allows
    *err = "\"" + std::string(text) + "\" is not a valid date and time";
    return false;
  }
  const int64_t days = sys_days(date).time_since_epoch().count();
  *unix_s = static_cast<double>(days * 86400 + h * 3600 + mi * 60 + s - offset) + frac;
  return true;
}

}  // namespace

bool ParseStartAt(std::string_view text, double* unix_s, std::string* err) {
  if (text.find_first_of("-Tt") == std::string_view::npos) {  // epoch seconds
    double v = 0;
    const auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::fixed);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(v)) {
      *err = std::string(kExpected) + ", got \"" + std::string(text) + "\"";
      return false;
    }
    *unix_s = v;
    return true;
  }
  return Rfc3339(text, unix_s, err);
}

bool StartAtFromFlag(std::string_view text, double now_unix_s, double* unix_s, std::string* err) {
  if (!ParseStartAt(text, unix_s, err)) return false;
  if (*unix_s < now_unix_s - kStartAtMaxPastS) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "\"%.*s\" is %.1f s in the past (at most %.0f s is accepted): give every "
                  "generator an instant a little ahead",
                  static_cast<int>(text.size()), text.data(), now_unix_s - *unix_s,
                  kStartAtMaxPastS);
    *err = buf;
    return false;
  }
  return true;
}

double WallClockNow() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sp::run
