#include "proxy_fixture.h"

#include <catch2/catch.hpp>

#include "fake_host.h"
#include "plugins/chaos/proxy/options.h"
#include "plugins/chaos/proxy/plugin_abi.h"
#include "plugins/chaos/proxy/proxy_site.h"

namespace sp::proxy::test {

const sp_fault_vtable* Vtable() {
  return static_cast<const sp_fault_vtable*>(PluginDescriptor()->vtable);
}

ProxySite::ProxySite(uint16_t upstream_port, const std::string& protocol) {
  const OptionTable options(kSiteOptionDecls, kSiteOptionCount,
                            {{"listen", "127.0.0.1:0"},
                             {"upstream", "127.0.0.1:" + std::to_string(upstream_port)},
                             {"protocol", protocol}},
                            {{"connect_timeout", 2000.0 * kMs}});
  sp_error err{};
  const sp_status st = Vtable()->open_site(FakeHost(), nullptr, options.get(), &site_, &err);
  INFO(err.message);
  REQUIRE(st == SP_OK);
}

ProxySite::~ProxySite() {
  if (site_ != nullptr) Vtable()->close_site(site_);
}

uint16_t ProxySite::Port() const { return static_cast<Site*>(site_)->bound().port(); }

Fault::Fault(ProxySite& site, FaultOptions options) {
  const OptionTable table(kFaultOptionDecls, kFaultOptionCount, std::move(options.text),
                          std::move(options.numbers));
  created_ = Vtable()->create_on_site(FakeHost(), nullptr, site.Handle(), table.get(), &instance_,
                                      &error_);
}

Fault::~Fault() {
  if (instance_ != nullptr) Vtable()->destroy(instance_);
}

sp_status Fault::Inject() {
  error_ = sp_error{};
  return Vtable()->inject(instance_, &error_);
}

sp_status Fault::Revert() {
  error_ = sp_error{};
  return Vtable()->revert(instance_, &error_);
}

bool Fault::Active() const { return Vtable()->is_active(instance_) == 1; }

}  // namespace sp::proxy::test
