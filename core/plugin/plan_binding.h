// Where the plan meets a plugin library: loading the plugin a plan entry names (checked to be
// of the kind the entry needs) and turning a plugin's sp_error into a diagnostic located in
// the plan. Shared by the target, reporter and fault setups, so their errors read the same.
#pragma once

#include <string>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"
#include "core/plan/value.h"
#include "core/plugin/loader.h"
#include "core/plugin/plugin_error.h"
#include "stressplan/plugin.h"

namespace sp::plugin {

// Maps a plugin's error (what its sp_error said) to a located diagnostic inside `block` (the
// plugin's option block):
// "<who>: <message>" at the option (and JSON pointer) the plugin named.
plan::Diagnostic FromPluginError(const plan::Value& block, const PluginError& e,
                                 const std::string& fallback_message, const std::string& who);

// Loads the plugin `ref` names and checks it is of `kind`; errors at `where`.`key`.
const Plugin* LoadKind(Loader* loader, const plan::PluginRef& ref, sp_kind kind, const std::string& where,
                       plan::Diagnostics* errors, const std::string& key = "plugin");

}  // namespace sp::plugin
