#include "core/plan/overlay.h"

#include <algorithm>

#include "core/plan/substitute.h"
#include "core/plan/suggest.h"

namespace sp::plan {

void DeepMerge(Value* base, const Value& overlay) {
  if (!base->is_map() || !overlay.is_map()) {
    *base = overlay;
    return;
  }
  for (size_t i = 0; i < overlay.entries.size(); ++i) {
    const auto& [key, value] = overlay.entries[i];
    if (Value* existing = base->find(key)) {
      DeepMerge(existing, value);
    } else {
      base->set(key, value, overlay.key_loc(i));
    }
  }
}

namespace {

bool CheckEnvironment(const std::string& env_name, const Value& env,
                      const std::vector<std::string>& plan_keys, Diagnostics* errors) {
  const std::string key_base = "environments." + env_name;
  if (env.is_null()) return true;
  if (!env.is_map()) {
    return AddError(errors, env.loc, key_base,
                    "expected a map of plan keys (and vars:), got " + Describe(env));
  }
  bool ok = true;
  std::vector<std::string> allowed = plan_keys;
  allowed.push_back("vars");
  for (size_t i = 0; i < env.entries.size(); ++i) {
    const auto& [key, value] = env.entries[i];
    if (key == "environments") {
      ok = AddError(errors, env.key_loc(i), JoinKey(key_base, key),
                    "environments cannot be nested inside an environment");
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      ok = AddError(errors, env.key_loc(i), JoinKey(key_base, key),
                    "unknown key" + DidYouMean(key, allowed) +
                        "; an environment holds vars: and top-level plan keys");
      continue;
    }
    if (key != "vars" || value.is_null()) continue;
    if (!value.is_map()) {
      ok = AddError(errors, value.loc, JoinKey(key_base, key),
                    "expected a map of variable names to text, got " + Describe(value));
      continue;
    }
    for (const auto& [var, var_value] : value.entries) {
      if (var_value.is_sequence() || var_value.is_map()) {
        ok = AddError(errors, var_value.loc, JoinKey(JoinKey(key_base, "vars"), var),
                      "a variable's value must be text, got " + Describe(var_value));
      }
    }
  }
  return ok;
}

}  // namespace

bool ApplyEnvironment(Value* root, const std::string& name, const std::vector<std::string>& plan_keys,
                      const std::map<std::string, std::string>& process_env,
                      std::map<std::string, std::string>* vars, Diagnostics* errors) {
  vars->clear();
  Value environments;
  if (root->is_map()) {
    for (size_t i = 0; i < root->entries.size(); ++i) {
      if (root->entries[i].first != "environments") continue;
      environments = std::move(root->entries[i].second);
      root->entries.erase(root->entries.begin() + static_cast<std::ptrdiff_t>(i));
      if (i < root->key_locs.size()) {
        root->key_locs.erase(root->key_locs.begin() + static_cast<std::ptrdiff_t>(i));
      }
      break;
    }
  }

  bool ok = true;
  std::vector<std::string> names;
  if (!environments.is_null() && !environments.is_map()) {
    ok = AddError(errors, environments.loc, "environments",
                  "expected a map of environment names to overlays, got " + Describe(environments));
  } else {
    for (const auto& [env_name, env] : environments.entries) {
      names.push_back(env_name);
      if (!CheckEnvironment(env_name, env, plan_keys, errors)) ok = false;
    }
  }
  if (name.empty()) return ok;

  const Value* selected = environments.find(name);
  if (!selected) {
    std::string message = "unknown environment \"" + name + "\"" + DidYouMean(name, names);
    message += names.empty() ? "; the plan defines no environments: (add one under environments:)"
                             : "; the plan defines: " + JoinNames(names);
    AddError(errors, Location{"--env", 0, 0}, "", message);
    return false;
  }
  if (!ok || !selected->is_map()) return ok;

  Value overlay = *selected;
  if (const Value* env_vars = overlay.find("vars"); env_vars && env_vars->is_map()) {
    Variables from_process;
    from_process.process_env = process_env;
    const std::string vars_key = "environments." + name + ".vars";
    for (const auto& [var, var_value] : env_vars->entries) {
      if (!var_value.is_scalar()) {
        (*vars)[var] = "";
        continue;
      }
      std::string out, err;
      if (!SubstituteString(var_value.scalar, from_process, &out, &err)) {
        ok = AddError(errors, var_value.loc, JoinKey(vars_key, var), err);
        continue;
      }
      (*vars)[var] = out;
    }
  }
  // Everything but vars is plan content.
  for (size_t i = 0; i < overlay.entries.size(); ++i) {
    if (overlay.entries[i].first != "vars") continue;
    overlay.entries.erase(overlay.entries.begin() + static_cast<std::ptrdiff_t>(i));
    if (i < overlay.key_locs.size()) {
      overlay.key_locs.erase(overlay.key_locs.begin() + static_cast<std::ptrdiff_t>(i));
    }
    break;
  }
  if (root->is_null()) *root = MakeMap(overlay.loc);
  DeepMerge(root, overlay);
  return ok;
}

}  // namespace sp::plan
