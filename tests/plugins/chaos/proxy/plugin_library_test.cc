// The built plugin library, loaded the way the host loads it.
#include <dlfcn.h>

#include <catch2/catch.hpp>
#include <string>

#include "stressplan/fault.h"

TEST_CASE("plugin library: exports the entry symbol and nothing of the engine", "[library]") {
  void* lib = dlopen(STRESSPLAN_PROXY_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  INFO((lib ? "" : dlerror()));
  REQUIRE(lib != nullptr);
  auto entry = reinterpret_cast<sp_entry_fn>(dlsym(lib, SP_ENTRY_SYMBOL));
  REQUIRE(entry != nullptr);
  const sp_plugin_descriptor* d = entry();
  CHECK(std::string(d->name) == "proxy");
  CHECK(d->kind == SP_KIND_FAULT);
  CHECK(d->abi_major == SP_ABI_VERSION_MAJOR);
  CHECK(d->abi_minor == SP_ABI_VERSION_MINOR);
  const auto* v = static_cast<const sp_fault_vtable*>(d->vtable);
  CHECK(v->open_site != nullptr);
  CHECK(v->create_on_site != nullptr);
  CHECK(v->check_site_options != nullptr);  // ABI 1.2: checked before the run
  CHECK(v->check_options_on_site != nullptr);
  CHECK(dlsym(lib, "_ZN2sp5proxy17plugin_descriptorEv") == nullptr);
  // The library stays loaded: the host never unloads plugins either.
}
