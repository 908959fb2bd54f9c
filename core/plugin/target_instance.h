// The host's side of a target plugin object (include/stressplan/target.h): every call the core
// makes on a target goes through these two types, so the raw vtable is read in one file.
// TargetInstance owns what `create` built and destroys it; TargetWorker owns one worker, opened
// and closed on its load thread. Failures come back as PluginError (plugin_error.h).
#pragma once

#include <cstdint>
#include <vector>

#include <stressplan/target.h>

#include "core/plugin/host.h"
#include "core/plugin/loader.h"
#include "core/plugin/plugin_error.h"

namespace sp::plugin {

class TargetInstance {
 public:
  TargetInstance() = default;
  ~TargetInstance() { Destroy(); }
  TargetInstance(const TargetInstance&) = delete;
  TargetInstance& operator=(const TargetInstance&) = delete;

  // ABI 1.2 check_options on what create would take, nothing built. True when the plugin has
  // no check (1.1): its create is then the check.
  static bool HasCheck(const Plugin& plugin) { return plugin.d.target.check_options != nullptr; }
  static bool Check(const Plugin& plugin, Host* host, const sp_options* options,
                    const std::vector<sp_request_spec>& requests, PluginError* err);

  // The plugin's create; on failure nothing is held.
  bool Create(const Plugin& plugin, Host* host, const sp_options* options,
              const std::vector<sp_request_spec>& requests, PluginError* err);
  // The optional preflight; true when the plugin has none.
  bool Preflight(PluginError* err) const;
  void Destroy();

  bool created() const { return instance_ != nullptr; }
  const Plugin& plugin() const { return *plugin_; }
  const char* name() const { return plugin_->name(); }

 private:
  friend class TargetWorker;
  const Plugin* plugin_ = nullptr;
  void* instance_ = nullptr;
};

// One target worker (target.h: worker_open .. worker_close), used on one load thread only.
// The per-request calls are inline: they are the load's hot path.
class TargetWorker {
 public:
  TargetWorker() = default;
  ~TargetWorker() { Close(); }
  TargetWorker(const TargetWorker&) = delete;
  TargetWorker& operator=(const TargetWorker&) = delete;

  // `host` must stay valid until Close.
  bool Open(const TargetInstance& target, const sp_worker_host* host, PluginError* err);
  bool Submit(const sp_request& request, PluginError* err) {
    sp_error e{};
    if (vt_->submit(worker_, &request, &e) == SP_OK) return true;
    *err = PluginError::From(e);
    return false;
  }
  int Poll(uint64_t deadline_ns) { return vt_->poll(worker_, deadline_ns); }
  void CancelAll() { vt_->cancel_all(worker_); }
  // release_vu is optional (ABI 1.2): without it a leaving user keeps its connection.
  bool CanReleaseVu() const { return vt_ != nullptr && vt_->release_vu != nullptr; }
  void ReleaseVu(uint32_t vu) { vt_->release_vu(worker_, vu); }
  // worker_close; call CancelAll first when anything is in flight (target.h).
  void Close();

 private:
  const sp_target_vtable* vt_ = nullptr;
  void* worker_ = nullptr;
};

}  // namespace sp::plugin
