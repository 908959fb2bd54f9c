// What the plan's readers (plan_schema.cc, chaos_schema.cc) share: typed reads of located
// values that record every error and carry on, so one `stressplan validate` lists every
// mistake; ok() says whether any failed.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"
#include "core/plan/typed_value.h"

namespace sp::plan {

class SchemaReader {
 public:
  explicit SchemaReader(Diagnostics* errors) : errors_(errors) {}
  bool ok() const { return ok_; }

 protected:
  void Fail(const Location& loc, const std::string& key, std::string message) {
    ok_ = AddError(errors_, loc, key, std::move(message));
  }
  // `key` missing from `map`, whose own plan path is `key_base`.
  void Missing(const Value& map, const std::string& key, const std::string& what, const std::string& key_base = "") {
    Fail(map.loc, JoinKey(key_base, key), "missing; expected " + what);
  }
  // map[name], or nullptr after recording it missing.
  const Value* Required(const Value& map, const std::string& key_base, const std::string& name,
                        const std::string& what) {
    const Value* v = Get(map, name);
    if (!v) Missing(map, name, what, key_base);
    return v;
  }
  bool Track(bool result) {
    if (!result) ok_ = false;
    return result;
  }
  bool Text(const Value& v, const std::string& key, std::string* out) { return Track(ReadText(v, key, out, errors_)); }
  bool NonEmptyText(const Value& v, const std::string& key, std::string* out) {
    if (!Text(v, key, out)) return false;
    if (out->empty()) {
      Fail(v.loc, key, "must not be empty");
      return false;
    }
    return true;
  }
  bool Int(const Value& v, const std::string& key, int64_t* out) { return Track(ReadInt(v, key, out, errors_)); }
  bool Dur(const Value& v, const std::string& key, Duration* out, bool positive) {
    Duration d{0};
    if (!Track(ReadDuration(v, key, &d, errors_))) return false;
    if (positive && d.count() <= 0) {
      Fail(v.loc, key, "must be longer than 0, got \"" + v.scalar + "\"");
      return false;
    }
    *out = d;
    return true;
  }
  // item's `name:`, required, not empty, and not already in *seen (which records it).
  void UniqueName(const Value& item, const std::string& key, const std::string& what,
                  std::map<std::string, Location>* seen, std::string* out) {
    if (const Value* name = Required(item, key, "name", "a unique " + what + " name")) {
      if (NonEmptyText(*name, JoinKey(key, "name"), out)) {
        auto [it, inserted] = seen->emplace(*out, name->loc);
        if (!inserted) {
          Fail(name->loc, JoinKey(key, "name"),
               "duplicate " + what + " name \"" + *out + "\" (also used at line " + std::to_string(it->second.line) +
                   ")");
        }
      }
    }
  }
  bool IsMap(const Value& v, const std::string& key, const std::string& what) {
    if (v.is_map()) return true;
    Fail(v.loc, key, "expected " + what + ", got " + Describe(v));
    return false;
  }
  bool IsList(const Value& v, const std::string& key, const std::string& what) {
    if (v.is_sequence()) return true;
    Fail(v.loc, key, "expected " + what + ", got " + Describe(v));
    return false;
  }

  Diagnostics* errors_;
  bool ok_ = true;
};

}  // namespace sp::plan
