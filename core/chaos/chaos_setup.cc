#include "core/chaos/chaos_setup.h"

#include "core/plugin/plan_binding.h"

namespace sp::chaos {

using plugin::FaultInstance;
using plugin::FaultSiteInstance;
using plugin::FromPluginError;
using plugin::LoadKind;
using plugin::PluginError;

ChaosSetup::~ChaosSetup() { CloseSites(); }

bool ChaosSetup::Prepare(const plan::Plan& plan, plugin::Loader* loader, bool with_steps,
                         plan::Diagnostics* errors) {
  bool ok = true;
  for (size_t i = 0; i < plan.proxies.size(); ++i) {
    const plan::ProxySite& ps = plan.proxies[i];
    const std::string where = "proxies." + std::to_string(i);
    auto site = std::make_unique<FaultSite>();
    site->plan = &ps;
    site->plugin = LoadKind(loader, ps.site, SP_KIND_FAULT, where, errors);
    if (site->plugin == nullptr) {
      ok = false;
      continue;
    }
    const sp_fault_vtable& v = site->plugin->d.fault;
    if (v.open_site == nullptr || v.close_site == nullptr) {
      plan::AddError(errors, ps.loc, where + ".plugin",
                     "fault plugin '" + ps.site.plugin + "' has no sites, so it cannot be used under proxies: (try plugin: proxy)");
      ok = false;
      continue;
    }
    plan::OptionContext ctx{"proxy " + ps.name + " (fault plugin " + std::string(site->plugin->name()) + ")", plan.dir, where};
    if (!plan::ResolveOptions(ps.site.options, v.site_options, v.site_option_count, ctx, &site->options, errors)) {
      ok = false;
      continue;
    }
    sites_.push_back(std::move(site));
  }
  if (!with_steps) return ok;
  for (size_t i = 0; i < plan.chaos.steps.size(); ++i) {
    const plan::ChaosStep& s = plan.chaos.steps[i];
    FaultStep step;
    step.plan = &s;
    step.where = "chaos.steps." + std::to_string(i);
    step.plugin = LoadKind(loader, s.fault, SP_KIND_FAULT, step.where, errors, "fault");
    if (step.plugin == nullptr) {
      ok = false;
      continue;
    }
    if (s.proxy.empty() && step.plugin->d.fault.create_on_site != nullptr && step.plugin->d.fault.open_site != nullptr) {
      plan::AddError(errors, s.loc, step.where + ".proxy",
                     "fault plugin '" + std::string(step.plugin->name()) +
                         "' acts on a proxy: add proxy: NAME naming one of the plan's proxies:");
      ok = false;
    }
    if (!s.proxy.empty()) {
      for (auto& site : sites_) {
        if (site->plan->name == s.proxy) step.site = site.get();
      }
      if (step.site != nullptr && step.site->plugin != step.plugin) {
        plan::AddError(errors, s.loc, step.where + ".proxy",
                       "proxy \"" + s.proxy + "\" is a site of plugin '" + step.site->plugin->name() +
                           "', but this step's fault is '" + step.plugin->name() + "'");
        ok = false;
      } else if (step.site != nullptr && step.plugin->d.fault.create_on_site == nullptr) {
        plan::AddError(errors, s.loc, step.where + ".proxy",
                       "fault plugin '" + std::string(step.plugin->name()) + "' does not act on proxies; remove proxy:");
        ok = false;
      }
    }
    plan::OptionContext ctx{"chaos step \"" + s.name + "\" (fault plugin " + std::string(step.plugin->name()) + ")",
                            plan.dir, step.where};
    if (!plan::ResolveOptions(s.fault.options, step.plugin->d.desc.options, step.plugin->d.desc.option_count, ctx,
                              &step.options, errors)) {
      ok = false;
    }
    steps_.push_back(std::move(step));
  }
  return ok;
}

bool ChaosSetup::CheckOptions(plugin::Host* host, plan::Diagnostics* errors) const {
  bool ok = true;
  for (const auto& site : sites_) {
    PluginError e;  // a 1.1 plugin has no check: its options are checked at open_site
    if (!FaultSiteInstance::Check(*site->plugin, host, site->options.get(), &e)) {
      errors->push_back(FromPluginError(site->plan->site.options, e, "refused its options", "proxy " + site->plan->name));
      ok = false;
    }
  }
  for (const FaultStep& step : steps_) {
    const sp_fault_vtable& v = step.plugin->d.fault;
    const plan::ChaosStep& s = *step.plan;
    // A 1.1 plugin has no checks: its options are checked at create (or create_on_site).
    PluginError e;
    bool step_ok = true;
    if (step.site != nullptr) {
      step_ok = FaultInstance::CheckOnSite(*step.plugin, host, step.site->options.get(),
                                           step.options.get(), &e);
    } else if (s.proxy.empty() && !(v.create_on_site != nullptr && v.open_site != nullptr)) {
      step_ok = FaultInstance::Check(*step.plugin, host, step.options.get(), &e);
    }
    // Otherwise Prepare already refused the step's proxy: (missing, unknown or not a site).
    if (!step_ok) {
      errors->push_back(FromPluginError(s.fault.options, e, "refused the step",
                                        "chaos step \"" + s.name + "\" (fault plugin " + step.plugin->name() + ")"));
      ok = false;
    }
  }
  return ok;
}

bool ChaosSetup::OpenSites(plugin::Host* host, plan::Diagnostics* errors) {
  for (auto& site : sites_) {
    PluginError e;
    if (!site->site.Open(*site->plugin, host, site->options.get(), &e)) {
      errors->push_back(FromPluginError(site->plan->site.options, e, "could not open the proxy",
                                        "proxy " + site->plan->name));
      CloseSites();
      return false;
    }
  }
  return true;
}

void ChaosSetup::CloseSites() {
  for (auto it = sites_.rbegin(); it != sites_.rend(); ++it) (*it)->site.Close();
}

bool ChaosSetup::Create(FaultStep& step, plugin::Host* host, FaultInstance* instance,
                        std::string* err) const {
  PluginError e;
  if (instance->Create(*step.plugin, host, step.site != nullptr ? &step.site->site : nullptr,
                       step.options.get(), &e)) {
    return true;
  }
  plan::Diagnostic d = FromPluginError(step.plan->fault.options, e, "refused the step",
                                       "could not create the fault");
  *err = d.loc.str() + ": " + d.message;
  return false;
}

}  // namespace sp::chaos
