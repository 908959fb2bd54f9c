// One error found while loading a plan or resolving a plugin's options, with where it is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/plan/limits.h"
#include "core/plan/value.h"

namespace sp::plan {

struct Diagnostic {
  Location loc;         // file:line:col in the plan, or a flag ("--users") as `file`
  std::string key;      // the plan path it is about, in --set syntax ("scenarios.0.weight"), or empty
  std::string message;  // what is wrong and what to do

  // "file:line:col: key: message"; the location and key are left out when empty. A key
  // holding a very long plan key is cut (Excerpt).
  std::string str() const;
};

using Diagnostics = std::vector<Diagnostic>;

// Appends a diagnostic; returns false so callers can `return Fail(...)`.
bool AddError(Diagnostics* errors, Location loc, std::string key, std::string message);

// Joins a plan path: JoinKey("scenarios", "0") == "scenarios.0", JoinKey("", "name") == "name".
std::string JoinKey(const std::string& base, const std::string& key);

// How a value reads in a message: "\"abc\"" for a scalar, "a list", "a map", "nothing".
// A long scalar is cut as Excerpt() does.
std::string Describe(const Value& value);

// Plan text as it may be echoed in a message: at most `max` bytes (cut at a UTF-8 character
// boundary), followed by "... (N bytes)" when cut, so a 10 MB scalar does not become a 10 MB
// error line.
std::string Excerpt(std::string_view text, size_t max = limits::kMaxEchoedBytes);

}  // namespace sp::plan
