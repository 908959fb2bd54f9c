#include "core/plan/json_value.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace sp::plan {
namespace {

using Json = nlohmann::ordered_json;

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(const std::string& s, bool* integral) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && s[i] == '-') ++i;
  if (i < n && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  *integral = true;
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
    *integral = false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
    *integral = false;
  }
  return i == n;
}

Json Scalar(const Value& v) {
  if (v.quoted) return v.scalar;
  const std::string& s = v.scalar;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s == "null" || s == "Null" || s == "NULL" || s == "~" || s.empty()) return nullptr;
  bool integral = false;
  if (IsJsonNumber(s, &integral)) {
    const char* begin = s.data();
    const char* end = s.data() + s.size();
    if (integral) {
      int64_t i = 0;
      if (auto r = std::from_chars(begin, end, i); r.ec == std::errc() && r.ptr == end) return i;
      uint64_t u = 0;
      if (auto r = std::from_chars(begin, end, u); r.ec == std::errc() && r.ptr == end) return u;
    }
    double d = 0;
    if (auto r = std::from_chars(begin, end, d); r.ec == std::errc() && r.ptr == end && std::isfinite(d)) {
      return d;
    }
  }
  return s;
}

Json Convert(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null:
      return nullptr;
    case Value::Kind::Scalar:
      return Scalar(v);
    case Value::Kind::Sequence: {
      Json array = Json::array();
      for (const Value& item : v.items) array.push_back(Convert(item));
      return array;
    }
    case Value::Kind::Map: {
      Json object = Json::object();
      for (const auto& [key, child] : v.entries) object[key] = Convert(child);
      return object;
    }
  }
  return nullptr;
}

}  // namespace

std::string ToJsonText(const Value& value) {
  // Replace invalid UTF-8 rather than throw: a plan file is text, but never crash on it.
  return Convert(value).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sp::plan
