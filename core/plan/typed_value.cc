#include "core/plan/typed_value.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/plan/suggest.h"
#include "core/plan/units.h"

namespace sp::plan {
namespace {

bool TypeError(const Value& v, const std::string& key, const std::string& expected,
               Diagnostics* errors) {
  return AddError(errors, v.loc, key, "expected " + expected + ", got " + Describe(v));
}

// Drops one leading '+' (from_chars does not take it); refuses "+-5" and "".
bool StripPlus(std::string_view* text) {
  if (!text->empty() && text->front() == '+') {
    text->remove_prefix(1);
    if (!text->empty() && (text->front() == '-' || text->front() == '+')) return false;
  }
  return !text->empty();
}

}  // namespace

bool ParseIntText(std::string_view text, int64_t* out) {
  if (!StripPlus(&text)) return false;
  auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

bool ParseFloatText(std::string_view text, double* out) {
  if (!StripPlus(&text)) return false;
  // from_chars also reads "inf", "nan" and hex-like forms; a plan number is plain decimal.
  for (char c : text) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == 'e' ||
          c == 'E' || c == '+')) {
      return false;
    }
  }
  double value = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(value)) {
    return false;
  }
  *out = value;
  return true;
}

bool ParseBoolText(std::string_view text, bool* out) {
  if (text == "true") return *out = true, true;
  if (text == "false") return *out = false, true;
  return false;
}

bool ReadText(const Value& v, const std::string& key, std::string* out, Diagnostics* errors) {
  if (!v.is_scalar()) return TypeError(v, key, "text", errors);
  *out = v.scalar;
  return true;
}

bool ReadInt(const Value& v, const std::string& key, int64_t* out, Diagnostics* errors) {
  if (!v.is_scalar() || !ParseIntText(v.scalar, out)) {
    return TypeError(v, key, "a whole number (e.g. 10)", errors);
  }
  return true;
}

bool ReadFloat(const Value& v, const std::string& key, double* out, Diagnostics* errors) {
  if (!v.is_scalar() || !ParseFloatText(v.scalar, out)) {
    return TypeError(v, key, "a number (e.g. 2 or 0.5)", errors);
  }
  return true;
}

bool ReadBool(const Value& v, const std::string& key, bool* out, Diagnostics* errors) {
  if (!v.is_scalar() || !ParseBoolText(v.scalar, out)) {
    return TypeError(v, key, "true or false", errors);
  }
  return true;
}

bool ReadDuration(const Value& v, const std::string& key, Duration* out, Diagnostics* errors) {
  if (!v.is_scalar()) return TypeError(v, key, "a duration (e.g. 500ms, 30s, 5m)", errors);
  std::string err;
  if (!ParseDuration(v.scalar, out, &err)) return AddError(errors, v.loc, key, err);
  return true;
}

bool ReadRate(const Value& v, const std::string& key, double* out, Diagnostics* errors) {
  if (!v.is_scalar()) return TypeError(v, key, "a rate (e.g. 200/s, 1200/m or 50)", errors);
  std::string err;
  if (!ParseRate(v.scalar, out, &err)) return AddError(errors, v.loc, key, err);
  return true;
}

bool ReadSize(const Value& v, const std::string& key, int64_t* out, Diagnostics* errors) {
  if (!v.is_scalar()) return TypeError(v, key, "a size (e.g. 512, 4KiB, 2MB)", errors);
  std::string err;
  if (!ParseSize(v.scalar, out, &err)) return AddError(errors, v.loc, key, err);
  return true;
}

bool CheckKeys(const Value& map, const std::string& key_base, const std::vector<std::string>& known,
               const std::string& what, Diagnostics* errors) {
  bool ok = true;
  for (size_t i = 0; i < map.entries.size(); ++i) {
    const std::string& key = map.entries[i].first;
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    ok = AddError(errors, map.key_loc(i), JoinKey(key_base, key),
                  "unknown key in " + what + DidYouMean(key, known) + "; known keys: " +
                      JoinNames(known));
  }
  return ok;
}

const Value* Get(const Value& map, const std::string& key) {
  const Value* v = map.find(key);
  return v && !v->is_null() ? v : nullptr;
}

}  // namespace sp::plan
