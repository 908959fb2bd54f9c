// The built plugin libraries, loaded the way the host loads them.
#include <dlfcn.h>

#include <catch2/catch.hpp>
#include <string>

#include "stressplan/fault.h"

TEST_CASE("fault plugin libraries: export the entry symbol and nothing of the engine", "[library]") {
  struct Library {
    const char* path;
    const char* name;
    const char* internal;  // a mangled engine symbol that must stay hidden
  };
  const Library libraries[] = {
      {STRESSPLAN_PROCESS_PLUGIN_PATH, "process", "_ZN2sp13fault_process17plugin_descriptorEv"},
      {STRESSPLAN_COMMAND_PLUGIN_PATH, "command", "_ZN2sp13fault_command17plugin_descriptorEv"},
  };
  for (const Library& l : libraries) {
    INFO(l.path);
    void* lib = dlopen(l.path, RTLD_NOW | RTLD_LOCAL);
    INFO((lib ? "" : dlerror()));
    REQUIRE(lib != nullptr);
    auto entry = reinterpret_cast<sp_entry_fn>(dlsym(lib, SP_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    const sp_plugin_descriptor* d = entry();
    CHECK(std::string(d->name) == l.name);
    CHECK(d->kind == SP_KIND_FAULT);
    CHECK(d->abi_major == SP_ABI_VERSION_MAJOR);
    CHECK(d->abi_minor == SP_ABI_VERSION_MINOR);
    const auto* vtable = static_cast<const sp_fault_vtable*>(d->vtable);
    CHECK(vtable->struct_size == sizeof(sp_fault_vtable));
    CHECK(vtable->journal_record != nullptr);
    CHECK(vtable->recover != nullptr);
    CHECK(vtable->check_options != nullptr);  // ABI 1.2: options checked before the run
    CHECK(dlsym(lib, l.internal) == nullptr);
    // The library stays loaded: the host never unloads plugins either.
  }
}
