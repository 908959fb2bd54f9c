// The loader against real plugin files of every shape (tests/abi/fixtures), and
// ReadDescriptor against hand-made descriptors. Each failure must name the file and say why.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/plugin/descriptor.h"
#include "core/plugin/host.h"
#include "core/plugin/loader.h"

using sp::plugin::Host;
using sp::plugin::Loader;

namespace {

std::string Fixture(const std::string& name) {
  return std::string(FIXTURE_DIR) + "/stressplan-" + name + ".so";
}

std::string LoadError(const std::string& name) {
  Host host;
  Loader loader(&host);
  std::string err;
  const sp::plugin::Plugin* p = loader.Load(Fixture(name), &err);
  CHECK(p == nullptr);
  return err;
}

}  // namespace

TEST_CASE("a plugin written in plain C loads and works through its vtable") {
  Host host;
  Loader loader(&host);
  std::string err;
  const sp::plugin::Plugin* p = loader.Load(Fixture("c_counter"), &err);
  REQUIRE(p != nullptr);
  CHECK(std::string(p->name()) == "c_counter");
  CHECK(p->kind() == SP_KIND_REPORTER);
  CHECK(p->d.desc.option_count == 1);

  std::string out = std::string(FIXTURE_DIR) + "/c_counter.out";
  sp_option_value v{};
  v.name = "path";
  v.type = SP_OPT_PATH;
  v.is_set = 1;
  v.s = sp_str{out.data(), out.size()};
  sp_options opts{1, &v};
  void* inst = nullptr;
  sp_error e{};
  REQUIRE(p->d.reporter.create(host.api(), host.Context("c_counter"), &opts, &inst, &e) == SP_OK);
  const char doc[] = "{}";
  REQUIRE(p->d.reporter.on_document(inst, SP_DOC_RUN_START, sp_str{doc, 2}, &e) == SP_OK);
  REQUIRE(p->d.reporter.on_document(inst, SP_DOC_SUMMARY, sp_str{doc, 2}, &e) == SP_OK);
  REQUIRE(p->d.reporter.finish(inst, &e) == SP_OK);
  p->d.reporter.destroy(inst);
  std::ifstream in(out);
  unsigned long docs = 0, summaries = 0;
  in >> docs >> summaries;
  CHECK(docs == 2);
  CHECK(summaries == 1);
  std::remove(out.c_str());
}

TEST_CASE("an old plugin with a smaller descriptor is accepted, missing fields zeroed") {
  Host host;
  Loader loader(&host);
  std::string err;
  const sp::plugin::Plugin* p = loader.Load(Fixture("old_descriptor"), &err);
  REQUIRE(p != nullptr);
  CHECK(p->d.desc.abi_minor == 0);
  CHECK(p->d.desc.init == nullptr);
  CHECK(p->d.desc.shutdown == nullptr);
  CHECK(p->d.desc.struct_size < sizeof(sp_plugin_descriptor));
}

TEST_CASE("a 1.1 plugin whose vtable ends before check_options loads; the check reads NULL") {
  Host host;
  Loader loader(&host);
  std::string err;
  const sp::plugin::Plugin* p = loader.Load(Fixture("old_vtable"), &err);
  INFO(err);
  REQUIRE(p != nullptr);
  CHECK(p->d.desc.abi_minor == 1);
  CHECK(p->d.reporter.struct_size < sizeof(sp_reporter_vtable));
  CHECK(p->d.reporter.create != nullptr);
  CHECK(p->d.reporter.destroy != nullptr);
  CHECK(p->d.reporter.check_options == nullptr);
}

TEST_CASE("a plugin from a newer minor with a larger descriptor is accepted") {
  Host host;
  Loader loader(&host);
  std::string err;
  const sp::plugin::Plugin* p = loader.Load(Fixture("future_descriptor"), &err);
  REQUIRE(p != nullptr);
  CHECK(p->d.desc.abi_minor == 99);
  CHECK(std::string(p->d.desc.version) == "2.0.0");
}

TEST_CASE("a plugin built for another ABI major is refused with both versions and the file") {
  std::string err = LoadError("wrong_major");
  CHECK_THAT(err, Catch::Contains(Fixture("wrong_major")));
  CHECK_THAT(err, Catch::Contains("built for plugin ABI 2.0"));
  CHECK_THAT(err, Catch::Contains("speaks ABI 1."));
}

TEST_CASE("a library without the entry symbol is refused, naming the file and the symbol") {
  std::string err = LoadError("no_entry");
  CHECK_THAT(err, Catch::Contains(Fixture("no_entry")));
  CHECK_THAT(err, Catch::Contains("has no entry symbol stressplan_plugin_entry"));
}

TEST_CASE("a C++ entry function with a mangled name is refused, saying how to declare it") {
  std::string err = LoadError("cxx_namespaced_entry");
  CHECK_THAT(err, Catch::Contains(Fixture("cxx_namespaced_entry")));
  CHECK_THAT(err, Catch::Contains("has no entry symbol stressplan_plugin_entry"));
  CHECK_THAT(err, Catch::Contains("C++ linkage (_ZN9my_plugin23stressplan_plugin_entryEv)"));
  CHECK_THAT(err, Catch::Contains("SP_PLUGIN_ENTRY"));
  CHECK_THAT(err, Catch::Contains("extern \"C\""));
  CHECK_THAT(err, !Catch::Contains("SP_EXPORT"));  // the old hint that sent authors the wrong way
}

TEST_CASE("a C++ entry function without extern \"C\" at global scope loads: plugin.h declares it") {
  Host host;
  Loader loader(&host);
  std::string err;
  const sp::plugin::Plugin* p = loader.Load(Fixture("cxx_plain_entry"), &err);
  INFO(err);
  REQUIRE(p != nullptr);
  CHECK(std::string(p->name()) == "cxx_plain_entry");
}

TEST_CASE("the search path's order: --plugin-path, STRESSPLAN_PLUGIN_PATH, plan folders, built-in") {
  // docs/cli.md and stressplanConfig.cmake describe this order; this is the truth they follow.
  ::setenv("STRESSPLAN_PLUGIN_PATH", "/env/a:/env/b", 1);
  const std::vector<std::string> dirs = sp::plugin::SearchPath({"/cli"}, {"/plan"});
  ::unsetenv("STRESSPLAN_PLUGIN_PATH");
  REQUIRE(dirs.size() == 5);
  CHECK(dirs[0] == "/cli");
  CHECK(dirs[1] == "/env/a");
  CHECK(dirs[2] == "/env/b");
  CHECK(dirs[3] == "/plan");
  CHECK(dirs[4] == sp::plugin::BuiltinPluginDir());
}

TEST_CASE("a malformed descriptor is refused, naming the file") {
  std::string err = LoadError("malformed");
  CHECK_THAT(err, Catch::Contains(Fixture("malformed")));
  CHECK_THAT(err, Catch::Contains("malformed descriptor"));
}

TEST_CASE("a failing init is refused with the plugin's own message and the file") {
  std::string err = LoadError("failing_init");
  CHECK_THAT(err, Catch::Contains(Fixture("failing_init")));
  CHECK_THAT(err, Catch::Contains("init failed: license file /etc/fixture.lic not found"));
}

TEST_CASE("a file that is not a shared library is refused with the loader's reason") {
  std::string bogus = std::string(FIXTURE_DIR) + "/stressplan-bogus.so";
  {
    std::ofstream f(bogus);
    f << "not an ELF file\n";
  }
  Host host;
  Loader loader(&host);
  std::string err;
  CHECK(loader.Load(bogus, &err) == nullptr);
  CHECK_THAT(err, Catch::Contains(bogus));
  CHECK_THAT(err, Catch::Contains("cannot be loaded"));
  std::remove(bogus.c_str());
}

TEST_CASE("plugins are found by name along the search path, first folder first") {
  Host host;
  Loader loader(&host);
  loader.SetSearchPath({"/nonexistent", FIXTURE_DIR, BUILTIN_PLUGIN_DIR});
  std::string err;
  const sp::plugin::Plugin* p = loader.Load("c_counter", &err);
  REQUIRE(p != nullptr);
  CHECK(p->file == Fixture("c_counter"));
  const sp::plugin::Plugin* json = loader.Load("json", &err);
  REQUIRE(json != nullptr);
  CHECK(json->kind() == SP_KIND_REPORTER);

  CHECK(loader.Load("c_countr", &err) == nullptr);
  CHECK_THAT(err, Catch::Contains("no plugin named 'c_countr'"));
  CHECK_THAT(err, Catch::Contains("stressplan-c_countr.so"));
  CHECK_THAT(err, Catch::Contains("c_counter"));  // listed among what is available

  auto all = loader.ListAll();
  int broken = 0, good = 0;
  for (const auto& l : all) (l.plugin ? good : broken)++;
  CHECK(good >= 4);    // c_counter, old, future, cxx_plain_entry + the built-in json
  CHECK(broken >= 4);  // wrong_major, no_entry, malformed, failing_init
}

TEST_CASE("ReadDescriptor refuses inconsistent option tables") {
  static const sp_option_decl dup[] = {{"path", SP_OPT_STRING, nullptr, 0, ""},
                                       {"path", SP_OPT_INT, nullptr, 0, ""}};
  static const sp_option_decl req_default[] = {{"x", SP_OPT_STRING, "a", 1, ""}};
  static const sp_option_decl bad_type[] = {{"x", static_cast<sp_option_type>(42), nullptr, 0, ""}};
  sp_reporter_vtable vt{sizeof vt, [](const sp_host_api*, void*, const sp_options*, void**, sp_error*) { return SP_OK; },
                        [](void*, sp_document_kind, sp_str, sp_error*) { return SP_OK; },
                        [](void*, sp_error*) { return SP_OK; }, [](void*) {}, nullptr};
  sp_plugin_descriptor d{SP_DESCRIPTOR_HEADER, SP_KIND_REPORTER, "x", "1", "", dup, 2, &vt, nullptr, nullptr,
                         SP_ELEMENT_SIZES};
  sp::plugin::Descriptor out;
  std::string err;
  CHECK_FALSE(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK_THAT(err, Catch::Contains("declared twice"));
  d.options = req_default;
  d.option_count = 1;
  CHECK_FALSE(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK_THAT(err, Catch::Contains("required and also has a default"));
  d.options = bad_type;
  CHECK_FALSE(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK_THAT(err, Catch::Contains("unknown type 42"));
  d.options = nullptr;
  d.option_count = 0;
  d.name = "Bad-Name";
  CHECK_FALSE(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK_THAT(err, Catch::Contains("Bad-Name"));
  d.name = "ok";
  d.struct_size = 8;
  CHECK_FALSE(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK_THAT(err, Catch::Contains("smaller than"));
  d.struct_size = sizeof d;
  vt.finish = nullptr;
  CHECK_FALSE(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK_THAT(err, Catch::Contains("leaves a required function NULL"));
  vt.finish = [](void*, sp_error*) { return SP_OK; };
  CHECK(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK(sp::plugin::ReadDescriptor(nullptr, &out, &err) == false);
}

TEST_CASE("option declarations larger than the host's are read with the plugin's stride (ABI 1.3)") {
  Host host;
  Loader loader(&host);
  std::string err;
  const sp::plugin::Plugin* p = loader.Load(Fixture("wide_elements"), &err);
  INFO(err);
  REQUIRE(p != nullptr);
  REQUIRE(p->d.desc.option_count == 3);
  const sp_option_decl* o = p->d.desc.options;
  CHECK(std::string(o[0].name) == "path");
  CHECK(o[0].type == SP_OPT_PATH);
  CHECK(std::string(o[1].name) == "pause");
  CHECK(o[1].type == SP_OPT_DURATION);
  CHECK(std::string(o[1].default_value) == "2s");
  CHECK(std::string(o[2].name) == "label");
  CHECK(o[2].required == 1);
  CHECK(std::string(o[2].description) == "a required string, declared third");
}

TEST_CASE("option declarations smaller than the 1.0 layout are refused, never guessed at") {
  std::string err = LoadError("narrow_elements");
  CHECK_THAT(err, Catch::Contains(Fixture("narrow_elements")));
  CHECK_THAT(err, Catch::Contains("sp_option_decl is 16 bytes, not a layout of ABI 1.x"));
  CHECK_THAT(err, Catch::Contains("the 1.0 layout is " + std::to_string(sizeof(sp_option_decl)) + " bytes"));
}

TEST_CASE("element sizes: required from 1.3, absent before, refused when the host cannot hand them") {
  sp_reporter_vtable vt{sizeof vt, [](const sp_host_api*, void*, const sp_options*, void**, sp_error*) { return SP_OK; },
                        [](void*, sp_document_kind, sp_str, sp_error*) { return SP_OK; },
                        [](void*, sp_error*) { return SP_OK; }, [](void*) {}, nullptr};
  static const sp_option_decl one[] = {{"x", SP_OPT_STRING, nullptr, 0, ""}};
  sp_plugin_descriptor d{SP_DESCRIPTOR_HEADER, SP_KIND_REPORTER, "x", "1", "", one, 1, &vt, nullptr, nullptr,
                         SP_ELEMENT_SIZES};
  sp::plugin::Descriptor out;
  std::string err;
  CHECK(sp::plugin::ReadDescriptor(&d, &out, &err));

  d.abi_minor = 3;  // a 1.3 plugin without them
  d.option_decl_size = d.option_value_size = d.request_spec_size = 0;
  CHECK_FALSE(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK_THAT(err, Catch::Contains("(ABI 1.3) leaves an element size 0"));
  CHECK_THAT(err, Catch::Contains("SP_ELEMENT_SIZES"));
  d.abi_minor = 2;  // the same descriptor from before 1.3: the 1.0 layouts
  CHECK(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK(std::string(out.desc.options[0].name) == "x");

  d.abi_minor = 4;  // a newer plugin that indexes option values with a larger stride
  d.option_decl_size = sizeof(sp_option_decl);
  d.option_value_size = sizeof(sp_option_value) + 8;
  d.request_spec_size = sizeof(sp_request_spec);
  CHECK_FALSE(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK_THAT(err, Catch::Contains("built with a " + std::to_string(sizeof(sp_option_value) + 8) +
                                  "-byte sp_option_value"));
  CHECK_THAT(err, Catch::Contains("hands " + std::to_string(sizeof(sp_option_value)) + "-byte ones"));
  d.option_value_size = sizeof(sp_option_value);
  d.request_spec_size = 8;
  CHECK_FALSE(sp::plugin::ReadDescriptor(&d, &out, &err));
  CHECK_THAT(err, Catch::Contains("sp_request_spec is 8 bytes, not a layout of ABI 1.x"));
}
