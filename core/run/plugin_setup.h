// Binding the plan to plugins: load the target and reporter plugins the plan names, check the
// plan's option blocks against what each plugin declares, and create the instances. Every
// error becomes a located Diagnostic, including errors a plugin reports from its `create`
// (its sp_error.option + path are mapped back to the plan's line).
#pragma once

#include <string>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/options.h"
#include "core/plan/plan.h"
#include "core/plugin/loader.h"
#include "core/plugin/plan_binding.h"
#include "core/plugin/target_instance.h"
#include "core/report/report_bus.h"

namespace sp::run {

using report::Reporter;

struct TargetSetup {
  const plugin::Plugin* plugin = nullptr;
  plan::ResolvedOptions options;
  std::vector<plan::ResolvedOptions> request_options;  // one per step of the request table
  std::vector<std::string> names;                      // "scenario/request", same order
  std::vector<const plan::Request*> requests;          // the plan's steps, same order
  plugin::TargetInstance instance;                     // after CreateTarget
};

// Loads the target plugin and resolves its options and every request step's options.
bool PrepareTarget(const plan::Plan& plan, plugin::Loader* loader, TargetSetup* out,
                   plan::Diagnostics* errors);
// ABI 1.2: the plugin's check_options on the same options and steps create takes, nothing
// built; true when the plugin has none (1.1). Errors located as CreateTarget's.
bool CheckTarget(const plan::Plan& plan, plugin::Host* host, const TargetSetup& setup,
                 plan::Diagnostics* errors);
// Calls the plugin's create; its errors are mapped to plan locations.
bool CreateTarget(const plan::Plan& plan, plugin::Host* host, TargetSetup* setup,
                  plan::Diagnostics* errors);

// Loads each reporter and resolves its options (SP_OPT_PATH against report_dir); nothing created.
bool PrepareReporters(const plan::Plan& plan, plugin::Loader* loader, const std::string& report_dir,
                      std::vector<Reporter>* out, plan::Diagnostics* errors);
// ABI 1.2: each reporter's check_options (skipped for a 1.1 plugin without one).
bool CheckReporters(plugin::Host* host, const std::vector<Reporter>& reporters, plan::Diagnostics* errors);
// Creates each prepared reporter; on failure those created stay (each Reporter destroys its own).
bool CreateReporters(plugin::Host* host, std::vector<Reporter>* reporters,
                     plan::Diagnostics* errors);

}  // namespace sp::run
