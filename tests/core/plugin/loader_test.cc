// core/plugin/loader.h, Loader::AddInProcess: a plugin linked into the process is found by
// name before the search path and goes through the same descriptor check and init as a library.
#include <catch2/catch.hpp>

#include <string>

#include <stressplan/reporter.h>

#include "core/plugin/host.h"
#include "core/plugin/loader.h"

namespace {

int inits = 0;

sp_status Init(const sp_host_api*, void*, sp_error*) {
  ++inits;
  return SP_OK;
}

sp_status Create(const sp_host_api*, void*, const sp_options*, void**, sp_error*) {
  return SP_ERROR;
}
sp_status OnDocument(void*, sp_document_kind, sp_str, sp_error*) { return SP_OK; }
sp_status Finish(void*, sp_error*) { return SP_OK; }
void Destroy(void*) {}

const sp_reporter_vtable kVtable = {
    sizeof(sp_reporter_vtable), Create, OnDocument, Finish, Destroy, nullptr};
const sp_plugin_descriptor kGood = {
    SP_DESCRIPTOR_HEADER, SP_KIND_REPORTER, "linked", "1", "", nullptr, 0, &kVtable, Init, nullptr,
    SP_ELEMENT_SIZES};
const sp_plugin_descriptor kWrongMajor = {sizeof(sp_plugin_descriptor),
                                          SP_ABI_VERSION_MAJOR + 1,
                                          0,
                                          SP_KIND_REPORTER,
                                          "future",
                                          "1",
                                          "",
                                          nullptr,
                                          0,
                                          &kVtable,
                                          nullptr,
                                          nullptr,
                                          SP_ELEMENT_SIZES};

const sp_plugin_descriptor* GoodEntry() { return &kGood; }
const sp_plugin_descriptor* WrongMajorEntry() { return &kWrongMajor; }

// A loader with an empty search path and one plugin added in-process.
struct LoaderWith {
  LoaderWith(const std::string& name, sp_entry_fn entry) {
    loader.SetSearchPath({});
    loader.AddInProcess(name, entry);
  }
  sp::plugin::Host host;
  sp::plugin::Loader loader{&host};
  std::string err;
};

}  // namespace

TEST_CASE("loader: an in-process plugin is found by name, checked and initialised once") {
  inits = 0;
  LoaderWith l("linked", &GoodEntry);
  const sp::plugin::Plugin* p = l.loader.LoadByName("linked", &l.err);
  REQUIRE(p != nullptr);
  CHECK(l.err.empty());
  CHECK(std::string(p->name()) == "linked");
  CHECK(p->kind() == SP_KIND_REPORTER);
  CHECK(l.loader.Load("linked", &l.err) == p);  // loaded once
  CHECK(inits == 1);
}

TEST_CASE("loader: an in-process plugin's descriptor is refused like a library's") {
  LoaderWith l("future", &WrongMajorEntry);
  CHECK(l.loader.LoadByName("future", &l.err) == nullptr);
  const std::string& err = l.err;
  CHECK(err.rfind("plugin (in-process plugin future): ", 0) == 0);
  CHECK(err.find("it was built for plugin ABI " + std::to_string(SP_ABI_VERSION_MAJOR + 1) +
                 ".0") != std::string::npos);
}

TEST_CASE("loader: a name not added in-process is looked for on the search path") {
  LoaderWith l("linked", &GoodEntry);
  CHECK(l.loader.LoadByName("other", &l.err) == nullptr);
  CHECK(l.err.rfind("no plugin named 'other'", 0) == 0);
}
