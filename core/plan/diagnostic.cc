#include "core/plan/diagnostic.h"

namespace sp::plan {

std::string Diagnostic::str() const {
  std::string out = loc.str();
  if (!key.empty()) {
    if (!out.empty()) out += ": ";
    out += key;
  }
  if (!out.empty()) out += ": ";
  out += message;
  return out;
}

bool AddError(Diagnostics* errors, Location loc, std::string key, std::string message) {
  if (errors) errors->push_back(Diagnostic{std::move(loc), std::move(key), std::move(message)});
  return false;
}

std::string JoinKey(const std::string& base, const std::string& key) {
  if (base.empty()) return key;
  if (key.empty()) return base;
  return base + "." + key;
}

std::string Describe(const Value& value) {
  switch (value.kind) {
    case Value::Kind::Null: return "nothing";
    case Value::Kind::Scalar: return "\"" + value.scalar + "\"";
    case Value::Kind::Sequence: return "a list";
    case Value::Kind::Map: return "a map";
  }
  return "a value";
}

}  // namespace sp::plan
