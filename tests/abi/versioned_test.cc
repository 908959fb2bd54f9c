// The current host against plugins built with the frozen headers of every released ABI
// (tests/abi/headers/<version>, tests/abi/versioned/*.c): each version's target serves
// requests, its fault is injected and reverted, its reporter receives its documents. Options go
// through the real path: YAML -> plan::ResolveOptions against the declarations the loader read.
// The fixtures check that values[k] answers decls[k], so a misread table fails here.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/plan/options.h"
#include "core/plan/yaml_loader.h"
#include "core/plugin/host.h"
#include "core/plugin/loader.h"
#include "core/plugin/result.h"

using sp::plugin::Host;
using sp::plugin::Loader;
using sp::plugin::Plugin;

namespace {

// "1_0 1_1 1_2 1_3 1_4 1_5" from CMake: the frozen ABI versions, as plugin names spell them.
std::vector<std::string> FrozenTags() {
  std::istringstream in(FROZEN_ABI_TAGS);
  std::vector<std::string> tags;
  for (std::string t; in >> t;) tags.push_back(t);
  return tags;
}

const Plugin* LoadVersioned(Loader* loader, const std::string& tag, const char* kind) {
  std::string err;
  const Plugin* p = loader->Load(std::string(FIXTURE_DIR) + "/stressplan-abi" + tag + "_" + kind + ".so", &err);
  INFO(err);
  REQUIRE(p != nullptr);
  CHECK(p->d.desc.abi_minor == std::stoi(tag.substr(tag.find('_') + 1)));
  return p;
}

// A plugin's options resolved from a YAML block, as a run resolves them.
sp::plan::ResolvedOptions Resolve(const std::string& yaml, const sp_option_decl* decls, size_t count) {
  sp::plan::Value block;
  sp::plan::Diagnostics errors;
  REQUIRE(sp::plan::LoadYamlString(yaml, "test.yaml", &block, &errors));
  sp::plan::ResolvedOptions out;
  sp::plan::OptionContext ctx{"fixture", "/tmp", ""};
  const bool ok = sp::plan::ResolveOptions(block, decls, count, ctx, &out, &errors);
  INFO((errors.empty() ? std::string() : errors.front().message));
  REQUIRE(ok);
  return out;
}

std::string Scratch(const std::string& name) {
  return std::string(FIXTURE_DIR) + "/" + name + "." + std::to_string(::getpid());
}

struct Completions {
  std::vector<sp_result> results;
  static void Complete(void* ctx, const sp_result* raw) {
    // Called from the plugin's C code: no REQUIRE (an exception) here.
    sp_result scratch;
    const sp_result* r = sp::plugin::ReadResult(raw, &scratch);
    CHECK(r != nullptr);
    if (r != nullptr) static_cast<Completions*>(ctx)->results.push_back(*r);
  }
};

void ServeRequests(Host* host, const Plugin* p) {
  const sp_target_vtable& vt = p->d.target;
  auto options = Resolve("{status: 204, latency: 1ms, label: x}", p->d.desc.options, p->d.desc.option_count);
  auto small = Resolve("{size: 2KiB, tag: a}", vt.request_options, vt.request_option_count);
  auto big = Resolve("{size: 3KiB}", vt.request_options, vt.request_option_count);
  const std::string names[] = {"small", "big"};
  sp_request_spec specs[2] = {{{names[0].data(), names[0].size()}, *small.get()},
                              {{names[1].data(), names[1].size()}, *big.get()}};
  void* instance = nullptr;
  sp_error err{};
  REQUIRE(vt.create(host->api(), host->Context(p->name()), options.get(), specs, 2, &instance, &err) == SP_OK);
  Completions done;
  sp_worker_host wh{sizeof wh, &done, &Completions::Complete};
  void* worker = nullptr;
  REQUIRE(vt.worker_open(instance, &wh, &worker, &err) == SP_OK);
  for (uint32_t i = 0; i < 4; ++i) {
    sp_request req{sizeof req, 100 + i, i % 2, i, 0, sp::plugin::NowNs()};
    REQUIRE(vt.submit(worker, &req, &err) == SP_OK);
  }
  const uint64_t give_up = sp::plugin::NowNs() + 5'000'000'000ull;
  while (done.results.size() < 4 && sp::plugin::NowNs() < give_up) {
    REQUIRE(vt.poll(worker, sp::plugin::NowNs() + 10'000'000) >= 0);
  }
  vt.cancel_all(worker);
  vt.worker_close(worker);
  vt.destroy(instance);
  REQUIRE(done.results.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    const sp_result& r = done.results[i];
    CHECK(r.token == 100 + i);
    CHECK(r.error == SP_E_NONE);
    CHECK(r.status == 204);
    CHECK(r.end_ns - r.start_ns >= 1'000'000);
    CHECK(r.bytes_received == (i % 2 == 0 ? 2048u : 3072u));
  }
}

void InjectAndRevert(Host* host, const Plugin* p) {
  const std::string flag = Scratch("flag");
  auto options = Resolve("{path: " + flag + ", content: fault-in}", p->d.desc.options, p->d.desc.option_count);
  const sp_fault_vtable& vt = p->d.fault;
  void* instance = nullptr;
  sp_error err{};
  REQUIRE(vt.create(host->api(), host->Context(p->name()), options.get(), &instance, &err) == SP_OK);
  CHECK(vt.is_active(instance) == 0);
  REQUIRE(vt.inject(instance, &err) == SP_OK);
  CHECK(vt.is_active(instance) == 1);
  std::string content;
  std::getline(std::ifstream(flag), content);
  CHECK(content == "fault-in");
  REQUIRE(vt.revert(instance, &err) == SP_OK);
  CHECK(vt.is_active(instance) == 0);
  CHECK(std::ifstream(flag).good() == false);
  vt.destroy(instance);
}

void ReceiveDocuments(Host* host, const Plugin* p) {
  const std::string out = Scratch("documents");
  auto options = Resolve("{path: " + out + "}", p->d.desc.options, p->d.desc.option_count);
  const sp_reporter_vtable& vt = p->d.reporter;
  void* instance = nullptr;
  sp_error err{};
  REQUIRE(vt.create(host->api(), host->Context(p->name()), options.get(), &instance, &err) == SP_OK);
  const std::string doc = "{\"type\": \"x\"}";
  for (sp_document_kind kind : {SP_DOC_RUN_START, SP_DOC_SNAPSHOT, SP_DOC_SNAPSHOT, SP_DOC_EVENT, SP_DOC_SUMMARY}) {
    REQUIRE(vt.on_document(instance, kind, sp_str{doc.data(), doc.size()}, &err) == SP_OK);
  }
  REQUIRE(vt.finish(instance, &err) == SP_OK);
  vt.destroy(instance);
  std::string line;
  std::getline(std::ifstream(out), line);
  CHECK(line == "run_start=1 snapshot=2 event=1 summary=1");
  std::remove(out.c_str());
}

}  // namespace

TEST_CASE("plugins built against every released ABI's headers load and run on this host") {
  const std::vector<std::string> tags = FrozenTags();
  REQUIRE(tags.size() >= 6);  // 1_0, 1_1, 1_2, 1_3, 1_4, 1_5
  for (const std::string& tag : tags) {
    DYNAMIC_SECTION("ABI " << tag) {
      Host host;
      Loader loader(&host);
      ServeRequests(&host, LoadVersioned(&loader, tag, "target"));
      InjectAndRevert(&host, LoadVersioned(&loader, tag, "fault"));
      ReceiveDocuments(&host, LoadVersioned(&loader, tag, "reporter"));
    }
  }
}
