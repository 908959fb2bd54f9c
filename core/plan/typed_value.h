// Reading typed values out of located plan nodes, with one wording for every type error.
// Used by the plan schema and by plugin option resolution alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"
#include "core/plan/value.h"

namespace sp::plan {

// Whole numbers: optional sign and decimal digits ("42", "-3"), within int64.
bool ParseIntText(std::string_view text, int64_t* out);
// Finite decimal numbers ("1", "0.5", "-2.5e3"); no inf/nan/hex.
bool ParseFloatText(std::string_view text, double* out);
// Exactly "true" or "false".
bool ParseBoolText(std::string_view text, bool* out);

// Each reader accepts a scalar (quoted or not: the expected type decides how the text is
// read), and otherwise appends "expected <type>, got <what>" located at the node and keyed
// by `key`. They return false on error.
bool ReadText(const Value& v, const std::string& key, std::string* out, Diagnostics* errors);
bool ReadInt(const Value& v, const std::string& key, int64_t* out, Diagnostics* errors);
bool ReadFloat(const Value& v, const std::string& key, double* out, Diagnostics* errors);
bool ReadBool(const Value& v, const std::string& key, bool* out, Diagnostics* errors);
bool ReadDuration(const Value& v, const std::string& key, Duration* out, Diagnostics* errors);
bool ReadRate(const Value& v, const std::string& key, double* out, Diagnostics* errors);
bool ReadSize(const Value& v, const std::string& key, int64_t* out, Diagnostics* errors);

// Reports every key of `map` that is not in `known`, at the key, with did-you-mean and the
// list of known keys. `what` names the map in the message ("a scenario"). Returns false if
// any key was unknown.
bool CheckKeys(const Value& map, const std::string& key_base, const std::vector<std::string>& known,
               const std::string& what, Diagnostics* errors);

// Non-null value of `key` in `map`, or nullptr (absent and `key:` with nothing count alike).
const Value* Get(const Value& map, const std::string& key);

}  // namespace sp::plan
