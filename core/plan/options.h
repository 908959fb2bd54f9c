// Resolving a plugin's option block (the keys of its `plugin:` block in the plan) against
// the options the plugin declares (sp_option_decl, include/stressplan/plugin.h), and mapping
// errors a plugin reports back to plan lines.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/value.h"
#include "stressplan/plugin.h"

namespace sp::plan {

struct OptionContext {
  std::string plugin{};     // for messages: "plugin http"
  std::string path_base{};  // absolute folder SP_OPT_PATH values resolve against
  std::string key_base{};   // plan path of the block for Diagnostic::key ("target", "reporters.0"); may be empty
};

class ResolvedOptions;
bool ResolveOptions(const Value& block, const sp_option_decl* decls, size_t count,
                    const OptionContext& ctx, ResolvedOptions* out, Diagnostics* errors);

// The typed values handed to a plugin. Owns every string its sp_options points into (names
// and values, NUL-terminated), so the table stays valid as long as this object, including
// after a move. Not copyable.
class ResolvedOptions {
 public:
  ResolvedOptions() = default;
  ResolvedOptions(ResolvedOptions&& other) noexcept;
  ResolvedOptions& operator=(ResolvedOptions&& other) noexcept;
  ResolvedOptions(const ResolvedOptions&) = delete;
  ResolvedOptions& operator=(const ResolvedOptions&) = delete;

  // values[k] answers decls[k] of the declarations it was resolved against.
  const sp_options* get() const { return &table_; }
  size_t size() const { return values_.size(); }
  const sp_option_value& operator[](size_t k) const { return values_[k]; }
  // The value of the option called `name`, or nullptr.
  const sp_option_value* find(std::string_view name) const;

 private:
  friend bool ResolveOptions(const Value&, const sp_option_decl*, size_t, const OptionContext&,
                             ResolvedOptions*, Diagnostics*);
  std::vector<sp_option_value> values_;
  std::vector<std::string> strings_;  // 2 per option: [2k] its name, [2k+1] its text value
  sp_options table_{0, nullptr};
};

// Checks every key of `block` (a Map, or Null for no options) against `decls` and fills *out
// in declaration order. Unknown options, missing required ones, type and unit errors are all
// collected into *errors, located at the offending key or value (missing ones at the block).
// Declared defaults are in plan syntax and parsed by the same code as plan values. Returns
// false if anything was wrong; *out is only filled on success.
bool ResolveOptions(const Value& block, const sp_option_decl* decls, size_t count,
                    const OptionContext& ctx, ResolvedOptions* out, Diagnostics* errors);

// Maps an error a plugin reported (sp_error.option, sp_error.path as a JSON pointer such as
// "/headers/0") to the closest located node inside `block`: the deepest node the pointer
// reaches, else the option's value, else `block.loc`.
Location LocateOption(const Value& block, const std::string& option, const std::string& json_pointer);

// "duration", "size", ... and a description with an example of the plan syntax ("a duration
// (e.g. 500ms, 30s, 5m)"), for messages and `stressplan plugins`.
const char* OptionTypeName(sp_option_type type);
const char* OptionTypeSyntax(sp_option_type type);

}  // namespace sp::plan
