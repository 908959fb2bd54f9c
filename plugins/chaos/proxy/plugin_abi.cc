#include "plugins/chaos/proxy/plugin_abi.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "plugins/chaos/proxy/fault_instance.h"
#include "plugins/chaos/proxy/options.h"
#include "plugins/chaos/proxy/proxy_site.h"
#include "plugins/chaos/proxy/site_config.h"
#include "plugins/chaos/proxy/toxic.h"
#include "plugins/common/descriptor.h"
#include "plugins/common/guarded.h"
#include "plugins/common/sp_error.h"

namespace sp::proxy {
namespace {

constexpr const char* kVersion = "1.0.0";

using plugin_common::WriteError;

template <class Fn>
sp_status Guarded(sp_error* err, Fn&& fn) noexcept {
  return plugin_common::Guarded(err, "proxy", std::forward<Fn>(fn));
}

// A step without `proxy:` has nothing to act on: create and check_options both refuse it.
sp_status RefuseWithoutSite(sp_error* err) {
  WriteError(err,
             "a proxy fault acts on one of the plan's proxies: add `proxy: NAME` to the step, "
             "naming an entry of `proxies:`",
             "proxy");
  return SP_INVALID_ARGUMENT;
}

sp_status Create(const sp_host_api*, void*, const sp_options*, void**, sp_error* err) {
  return RefuseWithoutSite(err);
}

sp_status CheckOptions(const sp_host_api*, void*, const sp_options*, sp_error* err) {
  return RefuseWithoutSite(err);
}

// The same reader open_site uses, without binding anything.
sp_status CheckSiteOptions(const sp_host_api*, void*, const sp_options* site_options,
                           sp_error* err) {
  return Guarded(err, [&] {
    OptionError refused;
    if (ReadSiteConfig(site_options, &refused)) return SP_OK;
    WriteError(err, refused);
    return SP_INVALID_ARGUMENT;
  });
}

// The same reader create_on_site uses, with the protocol the site's options give. Site options
// that are refused are reported by check_site_options; the step is then checked as if on an
// HTTP proxy, so that only what is wrong with the step itself is reported here.
sp_status CheckOptionsOnSite(const sp_host_api*, void*, const sp_options* site_options,
                             const sp_options* options, sp_error* err) {
  return Guarded(err, [&] {
    OptionError ignored;
    std::optional<SiteConfig> site = ReadSiteConfig(site_options, &ignored);
    OptionError refused;
    if (ReadToxicSpec(options, site ? site->protocol : Protocol::kHttp, &refused)) return SP_OK;
    WriteError(err, refused);
    return SP_INVALID_ARGUMENT;
  });
}

sp_status OpenSite(const sp_host_api* host, void* host_ctx, const sp_options* options, void** site,
                   sp_error* err) {
  return Guarded(err, [&] {
    if (site == nullptr) {
      WriteError(err, "proxy: open_site called without a site pointer");
      return SP_INVALID_ARGUMENT;
    }
    OptionError refused;
    std::optional<SiteConfig> config = ReadSiteConfig(options, &refused);
    if (!config) {
      WriteError(err, refused);
      return SP_INVALID_ARGUMENT;
    }
    std::string why;
    std::unique_ptr<Site> opened = Site::Open(host, host_ctx, std::move(*config), &why);
    if (!opened) {
      WriteError(err, "proxy: " + why, "listen");
      return SP_ERROR;
    }
    *site = opened.release();
    return SP_OK;
  });
}

void CloseSite(void* site) { delete static_cast<Site*>(site); }

sp_status CreateOnSite(const sp_host_api*, void*, void* site, const sp_options* options,
                       void** instance, sp_error* err) {
  return Guarded(err, [&] {
    if (site == nullptr || instance == nullptr) {
      WriteError(err, "proxy: create_on_site called without a site or an instance pointer",
                 "proxy");
      return SP_INVALID_ARGUMENT;
    }
    Site* s = static_cast<Site*>(site);
    OptionError refused;
    std::optional<ToxicSpec> spec = ReadToxicSpec(options, s->config().protocol, &refused);
    if (!spec) {
      WriteError(err, refused);
      return SP_INVALID_ARGUMENT;
    }
    *instance = new FaultInstance(s, std::move(*spec));
    return SP_OK;
  });
}

sp_status Inject(void* instance, sp_error* err) {
  return Guarded(err, [&] {
    std::string why;
    if (static_cast<FaultInstance*>(instance)->Inject(&why)) return SP_OK;
    WriteError(err, "proxy: inject: " + why);
    return SP_ERROR;
  });
}

sp_status Revert(void* instance, sp_error* err) {
  return Guarded(err, [&] {
    if (instance == nullptr) return SP_OK;
    std::string why;
    if (static_cast<FaultInstance*>(instance)->Revert(&why)) return SP_OK;
    WriteError(err, "proxy: revert: " + why);
    return SP_ERROR;
  });
}

int IsActive(void* instance) {
  return instance != nullptr && static_cast<FaultInstance*>(instance)->IsActive() ? 1 : 0;
}

void Destroy(void* instance) { delete static_cast<FaultInstance*>(instance); }

const sp_fault_vtable kVtable = {
    sizeof(sp_fault_vtable),
    Create,
    Inject,
    Revert,
    IsActive,
    Destroy,
    kSiteOptionDecls,
    kSiteOptionCount,
    OpenSite,
    CloseSite,
    CreateOnSite,
    nullptr,  // journal_record: a proxy fault dies with the process
    nullptr,  // recover: nothing to recover
    CheckOptions,
    CheckSiteOptions,
    CheckOptionsOnSite,
};

const sp_plugin_descriptor kDescriptor = plugin_common::MakeDescriptor(
    SP_KIND_FAULT, "proxy", kVersion,
    "TCP and HTTP faults (latency, bandwidth, resets, refused connections, aborted or delayed "
    "requests) injected by a proxy between a client and its upstream",
    kFaultOptionDecls, &kVtable);

}  // namespace

const sp_plugin_descriptor* PluginDescriptor() { return &kDescriptor; }

}  // namespace sp::proxy
