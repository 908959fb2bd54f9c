// The host's side of one reporter plugin object (include/stressplan/reporter.h): it owns what
// `create` built and destroys it, and is the one place the core calls a reporter's vtable.
// Failures come back as PluginError (plugin_error.h).
#pragma once

#include <string>

#include <stressplan/reporter.h>

#include "core/plugin/host.h"
#include "core/plugin/loader.h"
#include "core/plugin/plugin_error.h"

namespace sp::plugin {

class ReporterInstance {
 public:
  ReporterInstance() = default;
  ~ReporterInstance() { Destroy(); }
  ReporterInstance(ReporterInstance&& other) noexcept { *this = std::move(other); }
  ReporterInstance& operator=(ReporterInstance&& other) noexcept;
  ReporterInstance(const ReporterInstance&) = delete;
  ReporterInstance& operator=(const ReporterInstance&) = delete;

  // ABI 1.2 check_options, nothing created; true when the plugin has none (1.1).
  static bool HasCheck(const Plugin& plugin) { return plugin.d.reporter.check_options != nullptr; }
  static bool Check(const Plugin& plugin, Host* host, const sp_options* options, PluginError* err);

  // The plugin's create; on failure nothing is held.
  bool Create(const Plugin& plugin, Host* host, const sp_options* options, PluginError* err);
  bool OnDocument(sp_document_kind kind, const std::string& json, PluginError* err);
  bool Finish(PluginError* err);
  void Destroy();

  bool created() const { return instance_ != nullptr; }

 private:
  const Plugin* plugin_ = nullptr;
  void* instance_ = nullptr;
};

}  // namespace sp::plugin
