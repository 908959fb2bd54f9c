#include "plugins/reporters/common/document_fields.h"

#include <cmath>

namespace sp::reporters {

using nlohmann::json;

const json& Field(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string Text(const json& j, const char* key) {
  const json& v = Field(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::optional<double> Number(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_number()) return std::nullopt;
  const double d = v.get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

double NumberOr(const json& j, const char* key, double fallback) { return Number(j, key).value_or(fallback); }

std::optional<bool> Bool(const json& j, const char* key) {
  const json& v = Field(j, key);
  return v.is_boolean() ? std::optional<bool>(v.get<bool>()) : std::nullopt;
}

}  // namespace sp::reporters
