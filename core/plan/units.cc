#include "core/plan/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/plan/diagnostic.h"
#include "core/plan/limits.h"

namespace sp::plan {
namespace {

constexpr std::string_view kDurationSyntax =
    "write a number with a unit: ns, us, ms, s, m or h (e.g. 500ms, 30s, 1h30m)";
constexpr std::string_view kRateSyntax =
    "write events per second, minute or hour (e.g. 200/s, 1200/m, 10/h) or a plain number "
    "per second";
constexpr std::string_view kSizeSyntax =
    "write bytes (512), or a number with KB, MB, GB, TB (x1000) or KiB, MiB, GiB, TiB (x1024)";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view s) { return "\"" + Excerpt(s) + "\""; }

// Reads an unsigned decimal number ("12", "1.5", ".5") from the front of `s`.
bool TakeNumber(std::string_view* s, double* value) {
  size_t n = 0;
  bool digits = false;
  while (n < s->size() && std::isdigit(static_cast<unsigned char>((*s)[n]))) ++n, digits = true;
  if (n < s->size() && (*s)[n] == '.') {
    ++n;
    while (n < s->size() && std::isdigit(static_cast<unsigned char>((*s)[n]))) ++n, digits = true;
  }
  if (!digits) return false;
  std::string_view number = s->substr(0, n);
  auto result = std::from_chars(number.data(), number.data() + number.size(), *value);
  if (result.ec == std::errc::result_out_of_range && result.ptr == number.data() + number.size()) {
    // Hundreds of digits: past any limit (a whole part that is not all zeros) or about 0.
    const std::string_view whole = number.substr(0, number.find('.'));
    *value = whole.find_first_not_of('0') == std::string_view::npos ? 0.0 : HUGE_VAL;
  } else if (result.ec != std::errc() || result.ptr != number.data() + number.size()) {
    return false;
  }
  s->remove_prefix(n);
  return true;
}

std::string_view TakeLetters(std::string_view* s) {
  size_t n = 0;
  while (n < s->size()) {
    unsigned char c = static_cast<unsigned char>((*s)[n]);
    if (std::isdigit(c) || c == '.') break;
    ++n;
  }
  std::string_view letters = s->substr(0, n);
  s->remove_prefix(n);
  return letters;
}

bool Fail(std::string* err, std::string message) {
  if (err) *err = std::move(message);
  return false;
}

}  // namespace

bool ParseDuration(std::string_view text, std::chrono::nanoseconds* out, std::string* err) {
  std::string_view s = Trim(text);
  if (s.empty()) return Fail(err, "empty duration: " + std::string(kDurationSyntax));
  if (s.front() == '-') {
    return Fail(err, "duration " + Quote(text) + " is negative; durations are >= 0");
  }
  if (s.front() == '+') s.remove_prefix(1);
  double total_ns = 0;
  bool first = true;
  while (!s.empty()) {
    double number = 0;
    if (!TakeNumber(&s, &number)) {
      return Fail(err, "invalid duration " + Quote(text) + ": " + std::string(kDurationSyntax));
    }
    std::string_view unit = TakeLetters(&s);
    double scale = 0;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else if (unit.empty()) {
      if (first && s.empty() && number == 0) {
        *out = std::chrono::nanoseconds(0);
        return true;
      }
      return Fail(err, "duration " + Quote(text) + " has no unit: " +
                           std::string(kDurationSyntax));
    } else {
      return Fail(err, "unknown duration unit " + Quote(unit) + " in " + Quote(text) + ": " +
                           std::string(kDurationSyntax));
    }
    total_ns += number * scale;
    first = false;
  }
  // int64 nanoseconds cover about 292 years, and durations are added up (stages, step
  // windows): the bound keeps every sum far from overflowing.
  constexpr double kMaxNs = std::chrono::duration<double, std::nano>(limits::kMaxDuration).count();
  if (!(total_ns <= kMaxNs)) {
    return Fail(err, "duration " + Quote(text) + " is too long: at most " +
                         std::string(limits::kMaxDurationText));
  }
  *out = std::chrono::nanoseconds(static_cast<int64_t>(std::llround(total_ns)));
  return true;
}

bool ParseRate(std::string_view text, double* per_second, std::string* err) {
  std::string_view s = Trim(text);
  if (s.empty()) return Fail(err, "empty rate: " + std::string(kRateSyntax));
  if (s.front() == '-') return Fail(err, "rate " + Quote(text) + " is negative; rates are >= 0");
  if (s.front() == '+') s.remove_prefix(1);
  double number = 0;
  if (!TakeNumber(&s, &number)) {
    return Fail(err, "invalid rate " + Quote(text) + ": " + std::string(kRateSyntax));
  }
  s = Trim(s);
  double divisor = 1;
  if (!s.empty()) {
    if (s.front() != '/') {
      return Fail(err, "invalid rate " + Quote(text) + ": " + std::string(kRateSyntax));
    }
    s.remove_prefix(1);
    s = Trim(s);
    if (s == "s" || s == "sec") divisor = 1;
    else if (s == "m" || s == "min") divisor = 60;
    else if (s == "h") divisor = 3600;
    else {
      return Fail(err, "unknown rate unit " + Quote(s) + " in " + Quote(text) +
                           ": use /s, /m or /h (e.g. 200/s)");
    }
  }
  double value = number / divisor;
  if (!(value <= limits::kMaxRatePerSecond)) {
    return Fail(err, "rate " + Quote(text) + " is too large: at most " + std::string(limits::kMaxRateText));
  }
  *per_second = value;
  return true;
}

bool ParseSize(std::string_view text, int64_t* bytes, std::string* err) {
  std::string_view s = Trim(text);
  if (s.empty()) return Fail(err, "empty size: " + std::string(kSizeSyntax));
  if (s.front() == '-') return Fail(err, "size " + Quote(text) + " is negative; sizes are >= 0");
  if (s.front() == '+') s.remove_prefix(1);
  double number = 0;
  if (!TakeNumber(&s, &number)) {
    return Fail(err, "invalid size " + Quote(text) + ": " + std::string(kSizeSyntax));
  }
  std::string_view unit = Trim(s);
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KB" || unit == "kB") scale = 1e3;
  else if (unit == "MB") scale = 1e6;
  else if (unit == "GB") scale = 1e9;
  else if (unit == "TB") scale = 1e12;
  else if (unit == "KiB") scale = 1024.0;
  else if (unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else if (unit == "TiB") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "K" || unit == "k" || unit == "M" || unit == "G" || unit == "T") {
    std::string u(1, static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0]))));
    return Fail(err, "size unit " + Quote(unit) + " in " + Quote(text) + " is ambiguous: write " +
                         u + "B (x1000) or " + u + "iB (x1024)");
  } else {
    return Fail(err, "unknown size unit " + Quote(unit) + " in " + Quote(text) + ": " +
                         std::string(kSizeSyntax));
  }
  double value = std::round(number * scale);
  if (!(value <= static_cast<double>(limits::kMaxSizeBytes))) {
    return Fail(err, "size " + Quote(text) + " is too large: at most " + std::string(limits::kMaxSizeText));
  }
  *bytes = static_cast<int64_t>(value);
  return true;
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = ns == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -ns;
  }
  constexpr int64_t kUs = 1000, kMs = 1000 * kUs, kS = 1000 * kMs, kM = 60 * kS, kH = 60 * kM;
  struct Unit {
    int64_t size;
    const char* name;
  };
  constexpr Unit kUnits[] = {{kH, "h"}, {kM, "m"}, {kS, "s"}, {kMs, "ms"}, {kUs, "us"}, {1, "ns"}};
  for (const Unit& u : kUnits) {
    if (ns >= u.size) {
      out += std::to_string(ns / u.size);
      out += u.name;
      ns %= u.size;
    }
  }
  return out;
}

std::string FormatRate(double per_second) {
  char buf[64];
  if (per_second == std::floor(per_second) && std::fabs(per_second) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f/s", per_second);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", per_second);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s + "/s";
  }
  return buf;
}

}  // namespace sp::plan
