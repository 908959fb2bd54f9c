#include "proxy_fixture.h"

#include <catch2/catch.hpp>

#include "fake_host.h"
#include "plugins/chaos/proxy/options.h"
#include "plugins/chaos/proxy/plugin_abi.h"
#include "plugins/chaos/proxy/proxy_site.h"

namespace sp::proxy::test {

const sp_fault_vtable* vtable() {
  return static_cast<const sp_fault_vtable*>(plugin_descriptor()->vtable);
}

ProxySite::ProxySite(uint16_t upstream_port, const std::string& protocol) {
  const OptionTable options(kSiteOptionDecls, kSiteOptionCount,
                            {{"listen", "127.0.0.1:0"},
                             {"upstream", "127.0.0.1:" + std::to_string(upstream_port)},
                             {"protocol", protocol}},
                            {{"connect_timeout", 2000.0 * kMs}});
  sp_error err{};
  const sp_status st = vtable()->open_site(fake_host(), nullptr, options.get(), &site_, &err);
  INFO(err.message);
  REQUIRE(st == SP_OK);
}

ProxySite::~ProxySite() {
  if (site_ != nullptr) vtable()->close_site(site_);
}

uint16_t ProxySite::port() const { return static_cast<Site*>(site_)->bound().port(); }

Fault::Fault(ProxySite& site, FaultOptions options) {
  const OptionTable table(kFaultOptionDecls, kFaultOptionCount, std::move(options.text),
                          std::move(options.numbers));
  created_ = vtable()->create_on_site(fake_host(), nullptr, site.handle(), table.get(), &instance_, &error_);
}

Fault::~Fault() {
  if (instance_ != nullptr) vtable()->destroy(instance_);
}

sp_status Fault::inject() {
  error_ = sp_error{};
  return vtable()->inject(instance_, &error_);
}

sp_status Fault::revert() {
  error_ = sp_error{};
  return vtable()->revert(instance_, &error_);
}

bool Fault::active() const { return vtable()->is_active(instance_) == 1; }

}  // namespace sp::proxy::test
