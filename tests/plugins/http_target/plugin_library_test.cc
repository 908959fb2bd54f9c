// The built plugin library, loaded the way the host loads it.
#include <dlfcn.h>

#include <catch2/catch.hpp>
#include <string>

#include "stressplan/target.h"

TEST_CASE("plugin library: exports the entry symbol and nothing of the engine", "[library]") {
  void* lib = dlopen(STRESSPLAN_HTTP_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  INFO((lib ? "" : dlerror()));
  REQUIRE(lib != nullptr);
  auto entry = reinterpret_cast<sp_entry_fn>(dlsym(lib, SP_ENTRY_SYMBOL));
  REQUIRE(entry != nullptr);
  const sp_plugin_descriptor* d = entry();
  CHECK(std::string(d->name) == "http");
  CHECK(d->kind == SP_KIND_TARGET);
  CHECK(d->abi_major == SP_ABI_VERSION_MAJOR);
  CHECK(dlsym(lib, "_ZN2sp4http17plugin_descriptorEv") == nullptr);
  // The library stays loaded: the host never unloads plugins either.
}
