// A YAML document as a plain tree that remembers where every node came from, so that every
// later error (plan validation, plugin options, errors a plugin reports by JSON pointer) can
// name file:line:column. Built once from yaml-cpp; nothing outside core/plan sees YAML types.
#pragma once

#include <cstddef>
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
  // Says where a value came from: a plan line, or a flag ({"--set a=1", 0, 0}). A value made
  // by hand has neither.
  bool known() const { return line > 0 || !file.empty(); }
};

struct Value {
  enum class Kind { Null, Scalar, Sequence, Map };

  Kind kind = Kind::Null;
  std::string scalar;  // Kind::Scalar: the text after ${VAR} substitution
  bool quoted = false; // Kind::Scalar: written in quotes, so always a string
  std::vector<Value> items;                          // Kind::Sequence
  std::vector<std::pair<std::string, Value>> entries; // Kind::Map, in document order
  Location loc;
  // Kind::Map: where each key of `entries` was written, parallel to `entries`. May be shorter
  // than `entries` for maps built by hand; use key_loc() rather than indexing it.
  std::vector<Location> key_locs;

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_map() const { return kind == Kind::Map; }

  // Map lookup; nullptr when absent or when this is not a map.
  const Value* find(const std::string& key) const;
  Value* find(const std::string& key);

  // Where the key of entries[index] was written; falls back to the value's location.
  const Location& key_loc(size_t index) const;
  // Where `key` was written in this map; this node's own location when absent.
  const Location& key_loc(const std::string& key) const;

  // Appends or replaces a map entry (keeping key_locs in step). Turns a Null into a Map.
  Value& set(const std::string& key, Value value, Location key_location = {});
};

// Builders for hand-made trees (tests, overrides).
Value MakeScalar(std::string text, Location loc = {}, bool quoted = false);
Value MakeMap(Location loc = {});
Value MakeSequence(Location loc = {});

}  // namespace sp::plan
