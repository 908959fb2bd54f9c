// A YAML document as a plain tree that remembers where every node came from, so that every
// later error (plan validation, plugin options, errors a plugin reports by JSON pointer) can
// name file:line:column. Built once from yaml-cpp; nothing outside core/plan sees YAML types.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sp::plan {

// 1-based line and column, as editors show them. line == 0 means "unknown".
struct Location {
  std::string file;
  int line = 0;
  int column = 0;

  // "plans/full.yaml:12:5" (or just the file when the line is unknown).
  std::string str() const;
};

struct Value {
  enum class Kind { Null, Scalar, Sequence, Map };

  Kind kind = Kind::Null;
  std::string scalar;  // Kind::Scalar: the text after ${VAR} substitution
  bool quoted = false; // Kind::Scalar: written in quotes, so always a string
  std::vector<Value> items;                          // Kind::Sequence
  std::vector<std::pair<std::string, Value>> entries; // Kind::Map, in document order
  Location loc;

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_map() const { return kind == Kind::Map; }

  // Map lookup; nullptr when absent or when this is not a map.
  const Value* find(const std::string& key) const;
  Value* find(const std::string& key);
};

}  // namespace sp::plan
