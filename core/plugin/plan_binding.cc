#include "core/plugin/plan_binding.h"

#include "core/plan/options.h"

namespace sp::plugin {

plan::Diagnostic FromPluginError(const plan::Value& block, const PluginError& e,
                                 const std::string& fallback_message, const std::string& who) {
  plan::Diagnostic d;
  d.message = who + ": " + e.MessageOr(fallback_message);
  d.loc = plan::LocateOption(block, e.option, e.path);
  d.key = e.option;
  return d;
}

const Plugin* LoadKind(Loader* loader, const plan::PluginRef& ref, sp_kind kind, const std::string& where,
                       plan::Diagnostics* errors, const std::string& key) {
  std::string err;
  const Plugin* p = loader->Load(ref.plugin, &err);
  if (p == nullptr) {
    plan::AddError(errors, ref.loc, where + "." + key, err);
    return nullptr;
  }
  if (p->kind() != kind) {
    plan::AddError(errors, ref.loc, where + "." + key,
                   "plugin '" + ref.plugin + "' (" + p->file + ") is a " +
                       KindName(p->kind()) + " plugin, not a " + KindName(kind) +
                       " plugin");
    return nullptr;
  }
  return p;
}

}  // namespace sp::plugin
