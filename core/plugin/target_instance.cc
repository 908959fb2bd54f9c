#include "core/plugin/target_instance.h"

namespace sp::plugin {

bool TargetInstance::Check(const Plugin& plugin, Host* host, const sp_options* options,
                           const std::vector<sp_request_spec>& requests, PluginError* err) {
  if (!HasCheck(plugin)) return true;
  sp_error e{};
  if (plugin.d.target.check_options(host->api(), host->Context(plugin.name()), options,
                                    requests.data(), requests.size(), &e) == SP_OK) {
    return true;
  }
  *err = PluginError::From(e);
  return false;
}

bool TargetInstance::Create(const Plugin& plugin, Host* host, const sp_options* options,
                            const std::vector<sp_request_spec>& requests, PluginError* err) {
  Destroy();
  sp_error e{};
  void* instance = nullptr;
  if (plugin.d.target.create(host->api(), host->Context(plugin.name()), options, requests.data(),
                             requests.size(), &instance, &e) != SP_OK) {
    *err = PluginError::From(e);
    return false;
  }
  plugin_ = &plugin;
  instance_ = instance;
  return true;
}

bool TargetInstance::Preflight(PluginError* err) const {
  if (plugin_->d.target.preflight == nullptr) return true;
  sp_error e{};
  if (plugin_->d.target.preflight(instance_, &e) == SP_OK) return true;
  *err = PluginError::From(e);
  return false;
}

void TargetInstance::Destroy() {
  if (instance_ != nullptr) plugin_->d.target.destroy(instance_);
  instance_ = nullptr;
}

bool TargetWorker::Open(const TargetInstance& target, const sp_worker_host* host,
                        PluginError* err) {
  Close();
  sp_error e{};
  void* worker = nullptr;
  if (target.plugin_->d.target.worker_open(target.instance_, host, &worker, &e) != SP_OK) {
    *err = PluginError::From(e);
    return false;
  }
  vt_ = &target.plugin_->d.target;
  worker_ = worker;
  return true;
}

void TargetWorker::Close() {
  if (worker_ != nullptr) vt_->worker_close(worker_);
  worker_ = nullptr;
}

}  // namespace sp::plugin
