#include "core/plan/value.h"

namespace sp::plan {

std::string Location::str() const {
  if (line <= 0) return file;
  std::string out = file;
  out += ':';
  out += std::to_string(line);
  if (column > 0) {
    out += ':';
    out += std::to_string(column);
  }
  return out;
}

const Value* Value::find(const std::string& key) const {
  if (kind != Kind::Map) return nullptr;
  for (const auto& [name, value] : entries) {
    if (name == key) return &value;
  }
  return nullptr;
}

Value* Value::find(const std::string& key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

const Location& Value::key_loc(size_t index) const {
  if (index < key_locs.size() && key_locs[index].line > 0) return key_locs[index];
  if (index < entries.size()) return entries[index].second.loc;
  return loc;
}

const Location& Value::key_loc(const std::string& key) const {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].first == key) return key_loc(i);
  }
  return loc;
}

Value& Value::set(const std::string& key, Value value, Location key_location) {
  if (kind == Kind::Null) {
    kind = Kind::Map;
    scalar.clear();
    quoted = false;
  }
  if (key_locs.size() < entries.size()) key_locs.resize(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].first == key) {
      entries[i].second = std::move(value);
      if (key_location.line > 0 || !key_location.file.empty()) key_locs[i] = std::move(key_location);
      return entries[i].second;
    }
  }
  entries.emplace_back(key, std::move(value));
  key_locs.push_back(std::move(key_location));
  return entries.back().second;
}

Value MakeScalar(std::string text, Location loc, bool quoted) {
  Value v;
  v.kind = Value::Kind::Scalar;
  v.scalar = std::move(text);
  v.quoted = quoted;
  v.loc = std::move(loc);
  return v;
}

Value MakeMap(Location loc) {
  Value v;
  v.kind = Value::Kind::Map;
  v.loc = std::move(loc);
  return v;
}

Value MakeSequence(Location loc) {
  Value v;
  v.kind = Value::Kind::Sequence;
  v.loc = std::move(loc);
  return v;
}

}  // namespace sp::plan
