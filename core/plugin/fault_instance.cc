#include "core/plugin/fault_instance.h"

#include <utility>

namespace sp::plugin {
namespace {

// A record longer than this is refused rather than allocated (a plugin bug).
constexpr size_t kMaxJournalRecord = 16u << 20;

bool Failed(const sp_error& e, PluginError* err) {
  *err = PluginError::From(e);
  return false;
}

}  // namespace

FaultInstance& FaultInstance::operator=(FaultInstance&& other) noexcept {
  if (this != &other) {
    Destroy();
    plugin_ = std::exchange(other.plugin_, nullptr);
    instance_ = std::exchange(other.instance_, nullptr);
  }
  return *this;
}

bool FaultInstance::Check(const Plugin& plugin, Host* host, const sp_options* options,
                          PluginError* err) {
  if (plugin.d.fault.check_options == nullptr) return true;
  sp_error e{};
  if (plugin.d.fault.check_options(host->api(), host->Context(plugin.name()), options, &e) == SP_OK)
    return true;
  return Failed(e, err);
}

bool FaultInstance::CheckOnSite(const Plugin& plugin, Host* host, const sp_options* site_options,
                                const sp_options* options, PluginError* err) {
  if (plugin.d.fault.check_options_on_site == nullptr) return true;
  sp_error e{};
  if (plugin.d.fault.check_options_on_site(host->api(), host->Context(plugin.name()), site_options,
                                           options, &e) == SP_OK) {
    return true;
  }
  return Failed(e, err);
}

bool FaultInstance::Recover(const Plugin& plugin, Host* host, const std::string& record,
                            PluginError* err) {
  sp_error e{};
  if (plugin.d.fault.recover(host->api(), host->Context(plugin.name()), record.c_str(), &e) ==
      SP_OK)
    return true;
  return Failed(e, err);
}

bool FaultInstance::Create(const Plugin& plugin, Host* host, const FaultSiteInstance* site,
                           const sp_options* options, PluginError* err) {
  Destroy();
  const sp_fault_vtable& v = plugin.d.fault;
  void* ctx = host->Context(plugin.name());
  sp_error e{};
  void* instance = nullptr;
  const sp_status st = site != nullptr
                           ? v.create_on_site(host->api(), ctx, site->site_, options, &instance, &e)
                           : v.create(host->api(), ctx, options, &instance, &e);
  if (st != SP_OK) return Failed(e, err);
  plugin_ = &plugin;
  instance_ = instance;
  return true;
}

bool FaultInstance::Inject(PluginError* err) {
  sp_error e{};
  return plugin_->d.fault.inject(instance_, &e) == SP_OK || Failed(e, err);
}

bool FaultInstance::Revert(PluginError* err) {
  sp_error e{};
  return plugin_->d.fault.revert(instance_, &e) == SP_OK || Failed(e, err);
}

bool FaultInstance::IsActive() const { return plugin_->d.fault.is_active(instance_) != 0; }

bool FaultInstance::JournalRecord(std::string* record, size_t* wanted) const {
  record->clear();
  if (plugin_->d.fault.journal_record == nullptr) return true;
  // snprintf's rule: the length needed comes back; a too small buffer is asked again.
  std::string buf(16384, '\0');
  size_t n = plugin_->d.fault.journal_record(instance_, buf.data(), buf.size());
  if (n >= buf.size() && n < kMaxJournalRecord) {
    buf.assign(n + 1, '\0');
    n = plugin_->d.fault.journal_record(instance_, buf.data(), buf.size());
  }
  if (n >= buf.size()) {
    *wanted = n;
    return false;
  }
  record->assign(buf.data(), n);
  return true;
}

void FaultInstance::Destroy() {
  if (instance_ != nullptr) plugin_->d.fault.destroy(instance_);
  instance_ = nullptr;
}

bool FaultSiteInstance::Check(const Plugin& plugin, Host* host, const sp_options* site_options,
                              PluginError* err) {
  if (plugin.d.fault.check_site_options == nullptr) return true;
  sp_error e{};
  if (plugin.d.fault.check_site_options(host->api(), host->Context(plugin.name()), site_options,
                                        &e) == SP_OK) {
    return true;
  }
  return Failed(e, err);
}

bool FaultSiteInstance::Open(const Plugin& plugin, Host* host, const sp_options* site_options,
                             PluginError* err) {
  Close();
  sp_error e{};
  void* site = nullptr;
  if (plugin.d.fault.open_site(host->api(), host->Context(plugin.name()), site_options, &site,
                               &e) != SP_OK) {
    return Failed(e, err);
  }
  plugin_ = &plugin;
  site_ = site;
  return true;
}

void FaultSiteInstance::Close() {
  if (site_ != nullptr) plugin_->d.fault.close_site(site_);
  site_ = nullptr;
}

}  // namespace sp::plugin
