#include "core/plan/diagnostic.h"

namespace sp::plan {

std::string Diagnostic::str() const {
  std::string out = loc.str();
  if (!key.empty()) {
    if (!out.empty()) out += ": ";
    // Plan paths are short; one that is not holds a hostile key.
    out += Excerpt(key, 4 * limits::kMaxEchoedBytes);
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
    case Value::Kind::Scalar: return "\"" + Excerpt(value.scalar) + "\"";
    case Value::Kind::Sequence: return "a list";
    case Value::Kind::Map: return "a map";
  }
  return "a value";
}

std::string Excerpt(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so a character is never split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace sp::plan
