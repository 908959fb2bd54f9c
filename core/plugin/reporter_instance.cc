#include "core/plugin/reporter_instance.h"

#include <utility>

namespace sp::plugin {

ReporterInstance& ReporterInstance::operator=(ReporterInstance&& other) noexcept {
  if (this != &other) {
    Destroy();
    plugin_ = std::exchange(other.plugin_, nullptr);
    instance_ = std::exchange(other.instance_, nullptr);
  }
  return *this;
}

bool ReporterInstance::Check(const Plugin& plugin, Host* host, const sp_options* options,
                             PluginError* err) {
  if (!HasCheck(plugin)) return true;
  sp_error e{};
  if (plugin.d.reporter.check_options(host->api(), host->Context(plugin.name()), options, &e) ==
      SP_OK)
    return true;
  *err = PluginError::From(e);
  return false;
}

bool ReporterInstance::Create(const Plugin& plugin, Host* host, const sp_options* options,
                              PluginError* err) {
  Destroy();
  sp_error e{};
  void* instance = nullptr;
  if (plugin.d.reporter.create(host->api(), host->Context(plugin.name()), options, &instance, &e) !=
      SP_OK) {
    *err = PluginError::From(e);
    return false;
  }
  plugin_ = &plugin;
  instance_ = instance;
  return true;
}

bool ReporterInstance::OnDocument(sp_document_kind kind, const std::string& json,
                                  PluginError* err) {
  sp_error e{};
  if (plugin_->d.reporter.on_document(instance_, kind, sp_str{json.data(), json.size()}, &e) ==
      SP_OK)
    return true;
  *err = PluginError::From(e);
  return false;
}

bool ReporterInstance::Finish(PluginError* err) {
  sp_error e{};
  if (plugin_->d.reporter.finish(instance_, &e) == SP_OK) return true;
  *err = PluginError::From(e);
  return false;
}

void ReporterInstance::Destroy() {
  if (instance_ != nullptr) plugin_->d.reporter.destroy(instance_);
  instance_ = nullptr;
}

}  // namespace sp::plugin
