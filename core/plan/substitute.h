// ${VAR} substitution in plan values.
//
//   ${VAR}            the variable's value; an unset variable is an error
//   ${VAR:-default}   the default when VAR is unset or empty; the default may itself
//                     contain ${...} and ends at the first } that closes no nested ${
//   $${               a literal "${" (nothing is substituted)
//   $ anywhere else   itself
// Variables are looked up in the environment overlay's `vars:` first, then in the process
// environment. Only scalar values are substituted, never map keys.
#pragma once

#include <map>
#include <string>

#include "core/plan/diagnostic.h"
#include "core/plan/value.h"

namespace sp::plan {

struct Variables {
  std::map<std::string, std::string> overlay;      // the selected environment's vars:
  std::map<std::string, std::string> process_env;  // environ, or a test's map

  // nullptr when neither defines `name`.
  const std::string* find(const std::string& name) const;
};

// Substitutes one string. On error *err names the variable or the syntax problem.
bool SubstituteString(const std::string& text, const Variables& vars, std::string* out,
                      std::string* err);

// Substitutes every scalar under `root` in place (keys untouched). Errors are located at the
// scalar and keyed by its plan path below `key_base`; all of them are collected.
bool SubstituteTree(Value* root, const Variables& vars, const std::string& key_base,
                    Diagnostics* errors);

// The process environment as a map (reads environ).
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace sp::plan
