#include "plugins/reporters/html/html_text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sp::html {

std::string Html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) break;
        out += ch;
    }
  }
  return out;
}

std::string ScriptJson(const nlohmann::json& value) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string Decimal(double v, int decimals) {
  if (!std::isfinite(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v));
  std::string digits(buf);
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot), frac = dot == std::string::npos ? "" : digits.substr(dot);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  const bool negative = v < 0 && std::strtod(buf, nullptr) != 0;
  return (negative ? "-" : "") + grouped + frac;
}

std::string Count(double n) { return Decimal(std::round(n), 0); }

std::string Ms(double ms) {
  if (!std::isfinite(ms)) return "–";
  const double a = std::fabs(ms);
  return Decimal(ms, a < 1 ? 3 : a < 10 ? 2 : a < 100 ? 1 : 0);
}

std::string Plain(double v) {
  if (std::isfinite(v) && v == std::round(v)) return Count(v);
  return Ms(v);
}

std::string Bytes(double n) {
  if (!std::isfinite(n)) return "–";
  static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (n >= 1000 && unit < 4) n /= 1000, ++unit;
  return unit == 0 ? Count(n) + " B" : Decimal(n, 1) + " " + kUnits[unit];
}

std::string Percent(double fraction) {
  if (!std::isfinite(fraction)) return "–";
  if (fraction == 0) return "0%";
  if (fraction > 0 && fraction < 0.0001) return "<0.01%";
  return Decimal(fraction * 100, 2) + "%";
}

std::string Seconds(double s) {
  if (!std::isfinite(s)) return "–";
  char buf[64];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  } else if (s < 3600) {
    const long t = std::lround(s);
    std::snprintf(buf, sizeof buf, "%ld m %02ld s", t / 60, t % 60);
  } else {
    const long t = std::lround(s / 60);
    std::snprintf(buf, sizeof buf, "%ld h %02ld m", t / 60, t % 60);
  }
  return buf;
}

std::string Clock(double s) {
  char buf[64];
  const long t = std::lround(s);
  if (t < 120 && t > -120) {
    std::snprintf(buf, sizeof buf, "%lds", t);
  } else if (t < 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  }
  return buf;
}

}  // namespace sp::html
