// The host's side of fault plugin objects (include/stressplan/fault.h): FaultInstance owns one
// fault (create or create_on_site .. destroy), FaultSiteInstance one site (open_site ..
// close_site), and the plugin-level calls (the 1.2 checks, recover) are static here too, so
// the core reads a fault plugin's vtable in this one file. Failures come back as PluginError.
#pragma once

#include <string>

#include <stressplan/fault.h>

#include "core/plugin/host.h"
#include "core/plugin/loader.h"
#include "core/plugin/plugin_error.h"

namespace sp::plugin {

class FaultSiteInstance;

class FaultInstance {
 public:
  FaultInstance() = default;
  ~FaultInstance() { Destroy(); }
  FaultInstance(FaultInstance&& other) noexcept { *this = std::move(other); }
  FaultInstance& operator=(FaultInstance&& other) noexcept;
  FaultInstance(const FaultInstance&) = delete;
  FaultInstance& operator=(const FaultInstance&) = delete;

  // ABI 1.2 checks, nothing built; each true when the plugin lacks it (1.1: create checks).
  static bool Check(const Plugin& plugin, Host* host, const sp_options* options, PluginError* err);
  static bool CheckOnSite(const Plugin& plugin, Host* host, const sp_options* site_options,
                          const sp_options* options, PluginError* err);
  // `stressplan recover`: undoes what a journal record describes, without an instance.
  static bool HasRecover(const Plugin& plugin) { return plugin.d.fault.recover != nullptr; }
  static bool Recover(const Plugin& plugin, Host* host, const std::string& record,
                      PluginError* err);

  // create, or create_on_site when `site` is given (it must outlive this instance).
  bool Create(const Plugin& plugin, Host* host, const FaultSiteInstance* site,
              const sp_options* options, PluginError* err);
  bool Inject(PluginError* err);
  bool Revert(PluginError* err);  // safe after a failed or missing inject (fault.h)
  bool IsActive() const;
  // The journal record (fault.h journal_record, asked again with a larger buffer when it did
  // not fit). False when even that did not fit, with the length it wanted in *wanted.
  bool JournalRecord(std::string* record, size_t* wanted) const;
  void Destroy();

  bool created() const { return instance_ != nullptr; }

 private:
  const Plugin* plugin_ = nullptr;
  void* instance_ = nullptr;
};

class FaultSiteInstance {
 public:
  FaultSiteInstance() = default;
  ~FaultSiteInstance() { Close(); }
  FaultSiteInstance(const FaultSiteInstance&) = delete;
  FaultSiteInstance& operator=(const FaultSiteInstance&) = delete;

  static bool Check(const Plugin& plugin, Host* host, const sp_options* site_options,
                    PluginError* err);
  bool Open(const Plugin& plugin, Host* host, const sp_options* site_options, PluginError* err);
  void Close();  // after every instance created on it is destroyed
  bool open() const { return site_ != nullptr; }

 private:
  friend class FaultInstance;
  const Plugin* plugin_ = nullptr;
  void* site_ = nullptr;
};

}  // namespace sp::plugin
