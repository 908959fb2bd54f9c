#include "core/run/plugin_setup.h"

#include <cstdlib>

namespace sp::run {

using plugin::FromPluginError;
using plugin::LoadKind;
using plugin::PluginError;
using plugin::ReporterInstance;
using plugin::TargetInstance;

bool PrepareTarget(const plan::Plan& plan, plugin::Loader* loader, TargetSetup* out,
                   plan::Diagnostics* errors) {
  const plugin::Plugin* p = LoadKind(loader, plan.target, SP_KIND_TARGET, "target", errors);
  if (p == nullptr) return false;
  out->plugin = p;
  plan::OptionContext ctx{std::string("target plugin ") + p->name(), plan.dir};
  bool ok = plan::ResolveOptions(plan.target.options, p->d.desc.options, p->d.desc.option_count,
                                 ctx, &out->options, errors);
  for (const auto& s : plan.scenarios) {
    for (const auto& r : s.requests) {
      plan::ResolvedOptions resolved;
      plan::OptionContext rctx{std::string("request ") + s.name + "/" + r.name + " of target plugin " + p->name(),
                               plan.dir};
      ok &= plan::ResolveOptions(r.spec, p->d.target.request_options,
                                 p->d.target.request_option_count, rctx, &resolved, errors);
      out->request_options.push_back(std::move(resolved));
      out->names.push_back(s.name + "/" + r.name);
      out->requests.push_back(&r);
    }
  }
  return ok;
}

namespace {

// The plan's request steps as the target's create and check_options take them; the views point
// into `setup`.
std::vector<sp_request_spec> RequestSpecs(const TargetSetup& setup) {
  std::vector<sp_request_spec> specs;
  for (size_t i = 0; i < setup.names.size(); ++i) {
    sp_request_spec spec{};
    spec.name = sp_str{setup.names[i].data(), setup.names[i].size()};
    spec.options = *setup.request_options[i].get();
    specs.push_back(spec);
  }
  return specs;
}

// A target's refusal located in the plan: at the request step's option for "requests/<i>",
// else in the target's block.
plan::Diagnostic TargetDiagnostic(const plan::Plan& plan, const TargetSetup& setup,
                                  const PluginError& e) {
  std::string who = std::string("target plugin ") + setup.plugin->name();
  // "requests/<i>": an error about one request step; its path's first segment is the option.
  if (e.option.rfind("requests/", 0) == 0) {
    size_t i = std::strtoul(e.option.c_str() + 9, nullptr, 10);
    if (i < setup.requests.size()) {
      std::string path = e.path;
      std::string name, rest;
      if (!path.empty() && path[0] == '/') {
        size_t slash = path.find('/', 1);
        name = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
        rest = slash == std::string::npos ? "" : path.substr(slash);
      }
      plan::Diagnostic d;
      d.message = who + ", request " + setup.names[i] + ": " + e.MessageOr("refused this request");
      d.loc = plan::LocateOption(setup.requests[i]->spec, name, rest);
      d.key = name;
      return d;
    }
  }
  return FromPluginError(plan.target.options, e, "could not start", who);
}

}  // namespace

bool CheckTarget(const plan::Plan& plan, plugin::Host* host, const TargetSetup& setup,
                 plan::Diagnostics* errors) {
  PluginError e;
  if (TargetInstance::Check(*setup.plugin, host, setup.options.get(), RequestSpecs(setup), &e))
    return true;
  errors->push_back(TargetDiagnostic(plan, setup, e));
  return false;
}

bool CreateTarget(const plan::Plan& plan, plugin::Host* host, TargetSetup* setup,
                  plan::Diagnostics* errors) {
  PluginError e;
  if (setup->instance.Create(*setup->plugin, host, setup->options.get(), RequestSpecs(*setup), &e))
    return true;
  errors->push_back(TargetDiagnostic(plan, *setup, e));
  return false;
}

bool PrepareReporters(const plan::Plan& plan, plugin::Loader* loader, const std::string& report_dir,
                      std::vector<Reporter>* out, plan::Diagnostics* errors) {
  bool ok = true;
  for (size_t i = 0; i < plan.reporters.size(); ++i) {
    const plan::PluginRef& ref = plan.reporters[i];
    std::string where = "reporters." + std::to_string(i);
    const plugin::Plugin* p = LoadKind(loader, ref, SP_KIND_REPORTER, where, errors);
    if (p == nullptr) {
      ok = false;
      continue;
    }
    Reporter r;
    r.plugin = p;
    r.ref = &ref;
    r.label = std::string("reporter ") + p->name() + " (" + ref.loc.str() + ")";
    plan::OptionContext ctx{std::string("reporter plugin ") + p->name(), report_dir};
    if (!plan::ResolveOptions(ref.options, p->d.desc.options, p->d.desc.option_count, ctx,
                              &r.options, errors)) {
      ok = false;
      continue;
    }
    out->push_back(std::move(r));
  }
  return ok;
}

bool CheckReporters(plugin::Host* host, const std::vector<Reporter>& reporters, plan::Diagnostics* errors) {
  bool ok = true;
  for (const Reporter& r : reporters) {
    PluginError e;
    if (!ReporterInstance::Check(*r.plugin, host, r.options.get(), &e)) {
      errors->push_back(FromPluginError(r.ref->options, e, "refused its options",
                                        std::string("reporter plugin ") + r.plugin->name()));
      ok = false;
    }
  }
  return ok;
}

bool CreateReporters(plugin::Host* host, std::vector<Reporter>* reporters, plan::Diagnostics* errors) {
  bool ok = true;
  for (Reporter& r : *reporters) {
    PluginError e;
    if (!r.instance.Create(*r.plugin, host, r.options.get(), &e)) {
      errors->push_back(FromPluginError(r.ref->options, e, "could not start",
                                        std::string("reporter plugin ") + r.plugin->name()));
      ok = false;
    }
  }
  return ok;
}

}  // namespace sp::run
