#include "reporter_harness.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/plugin/host.h"
#include "core/plugin/loader.h"

namespace sp::reporters_test {

namespace fs = std::filesystem;

std::vector<Document> Stream(const nlohmann::json& documents) {
  std::vector<Document> out;
  for (const nlohmann::json& d : documents) {
    const std::string type = d.value("type", "");
    sp_document_kind kind = type == "run_start"  ? SP_DOC_RUN_START
                            : type == "snapshot" ? SP_DOC_SNAPSHOT
                            : type == "event"    ? SP_DOC_EVENT
                            : type == "summary"
                                ? SP_DOC_SUMMARY
                                : throw std::runtime_error("fixture document of unknown type " + type);
    out.push_back({kind, d.dump()});
  }
  return out;
}

nlohmann::json ReadFixture(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read fixture " + path);
  nlohmann::json j = nlohmann::json::parse(in);
  if (!j.is_array()) throw std::runtime_error("fixture " + path + " is not a JSON array of documents");
  return j;
}

ReporterPlugin::ReporterPlugin(const std::string& path)
    : host_(std::make_unique<plugin::Host>()), loader_(std::make_unique<plugin::Loader>(host_.get())) {
  std::string err;
  plugin_ = loader_->Load(path, &err);
  if (plugin_ == nullptr) throw std::runtime_error(err);
  if (plugin_->kind() != SP_KIND_REPORTER) throw std::runtime_error(path + " is not a reporter");
}

ReporterPlugin::~ReporterPlugin() = default;

const sp_plugin_descriptor& ReporterPlugin::descriptor() const { return plugin_->d.desc; }

namespace {

// An option table like the host's: values[k] answers decls[k], strings owned here.
struct OptionTable {
  std::vector<std::string> text;
  std::vector<sp_option_value> values;
  sp_options table{};

  OptionTable(const sp_plugin_descriptor& d, const std::map<std::string, std::string>& set) {
    text.reserve(d.option_count);
    for (size_t k = 0; k < d.option_count; ++k) {
      const sp_option_decl& decl = d.options[k];
      auto it = set.find(decl.name);
      const bool is_set = it != set.end() || decl.default_value != nullptr;
      text.push_back(it != set.end() ? it->second : decl.default_value ? decl.default_value : "");
      sp_option_value v{};
      v.name = decl.name;
      v.type = decl.type;
      v.is_set = is_set ? 1 : 0;
      if (decl.type == SP_OPT_BOOL) v.b = text.back() == "true" ? 1 : 0;
      values.push_back(v);
    }
    for (size_t k = 0; k < values.size(); ++k) values[k].s = {text[k].c_str(), text[k].size()};
    table = {values.size(), values.data()};
  }
};

}  // namespace

Outcome ReporterPlugin::Create(const std::map<std::string, std::string>& set) {
  Outcome o;
  OptionTable options(descriptor(), set);
  void* instance = nullptr;
  const sp_reporter_vtable& vt = plugin_->d.reporter;
  o.status = vt.create(host_->api(), host_->Context(descriptor().name), &options.table, &instance, &o.err);
  if (o.status != SP_OK) {
    o.step = "create";
    return o;
  }
  vt.destroy(instance);
  return o;
}

Outcome ReporterPlugin::Run(const std::map<std::string, std::string>& set,
                            const std::vector<Document>& documents) {
  Outcome o;
  OptionTable options(descriptor(), set);
  void* instance = nullptr;
  const sp_reporter_vtable& vt = plugin_->d.reporter;
  o.status = vt.create(host_->api(), host_->Context(descriptor().name), &options.table, &instance, &o.err);
  if (o.status != SP_OK) {
    o.step = "create";
    return o;
  }
  for (const Document& d : documents) {
    o.err = {};
    // A copy that is exactly as long as the document, so reading past `len` shows under ASan.
    std::unique_ptr<char[]> copy(new char[d.json.size()]);
    std::copy(d.json.begin(), d.json.end(), copy.get());
    o.status = vt.on_document(instance, d.kind, {copy.get(), d.json.size()}, &o.err);
    if (o.status != SP_OK) {
      o.step = "on_document";
      vt.destroy(instance);
      return o;
    }
  }
  o.err = {};
  o.status = vt.finish(instance, &o.err);
  if (o.status != SP_OK) o.step = "finish";
  vt.destroy(instance);
  return o;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "stressplan-reporters-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary folder");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace sp::reporters_test
