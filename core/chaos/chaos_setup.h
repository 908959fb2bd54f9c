// Binding the plan's chaos parts to fault plugins: load the plugin of each proxy site and each
// chaos step, resolve their options against the plugin's declarations (located errors, also
// for `stressplan validate`), open the sites before the run's services start and close them
// after everything else. Instances are created per step by the chaos runner.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/options.h"
#include "core/plan/plan.h"
#include "core/plugin/fault_instance.h"
#include "core/plugin/host.h"
#include "core/plugin/loader.h"

namespace sp::chaos {

struct FaultSite {
  const plan::ProxySite* plan = nullptr;
  const plugin::Plugin* plugin = nullptr;
  plan::ResolvedOptions options;
  plugin::FaultSiteInstance site;  // open between OpenSites and CloseSites
};

struct FaultStep {
  const plan::ChaosStep* plan = nullptr;
  const plugin::Plugin* plugin = nullptr;
  plan::ResolvedOptions options;
  FaultSite* site = nullptr;  // the proxy the step names, or nullptr
  std::string where;          // "chaos.steps.<i>", for diagnostics
};

class ChaosSetup {
 public:
  ChaosSetup() = default;
  ChaosSetup(const ChaosSetup&) = delete;
  ChaosSetup& operator=(const ChaosSetup&) = delete;
  ~ChaosSetup();  // CloseSites()

  // Loads and resolves every site and (with_steps) every step. False with located errors.
  bool Prepare(const plan::Plan& plan, plugin::Loader* loader, bool with_steps, plan::Diagnostics* errors);
  // ABI 1.2: every site's check_site_options and every step's check_options (or
  // check_options_on_site, with its site's options) after Prepare; nothing opened or created.
  // A 1.1 plugin without them is skipped: its options are checked when the site opens or the
  // step is created.
  bool CheckOptions(plugin::Host* host, plan::Diagnostics* errors) const;
  // Opens the sites in plan order; on failure closes those already open.
  bool OpenSites(plugin::Host* host, plan::Diagnostics* errors);
  void CloseSites();

  // Creates the step's fault instance (chaos thread). False with *err in one sentence.
  bool Create(FaultStep& step, plugin::Host* host, plugin::FaultInstance* instance,
              std::string* err) const;

  std::vector<std::unique_ptr<FaultSite>>& sites() { return sites_; }
  std::vector<FaultStep>& steps() { return steps_; }

 private:
  std::vector<std::unique_ptr<FaultSite>> sites_;
  std::vector<FaultStep> steps_;
};

}  // namespace sp::chaos
