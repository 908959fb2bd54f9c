#include "core/plugin/loader.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include <boost/dll/shared_library.hpp>

#include "core/plugin/entry_symbol.h"

#ifndef STRESSPLAN_PLUGIN_RELDIR
#define STRESSPLAN_PLUGIN_RELDIR "../lib/stressplan/plugins"
#endif

namespace fs = std::filesystem;

namespace sp::plugin {
namespace {

constexpr const char* kPrefix = "stressplan-";
constexpr const char* kSuffix = ".so";

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(nothing)" : out;
}

std::string PluginNameOfFile(const std::string& filename) {
  std::string f = fs::path(filename).filename().string();
  if (f.rfind(kPrefix, 0) != 0 || f.size() <= std::string(kPrefix).size() + 3) return "";
  if (f.compare(f.size() - 3, 3, kSuffix) != 0) return "";
  return f.substr(std::string(kPrefix).size(), f.size() - std::string(kPrefix).size() - 3);
}

}  // namespace

std::string BuiltinPluginDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return (exe.parent_path() / STRESSPLAN_PLUGIN_RELDIR).lexically_normal().string();
}

std::vector<std::string> SearchPath(const std::vector<std::string>& cli_dirs,
                                    const std::vector<std::string>& plan_dirs) {
  std::vector<std::string> dirs;
  auto add = [&](const std::string& d) {
    if (d.empty()) return;
    std::string abs = fs::absolute(d).lexically_normal().string();
    if (std::find(dirs.begin(), dirs.end(), abs) == dirs.end()) dirs.push_back(abs);
  };
  for (const auto& d : cli_dirs) add(d);
  if (const char* env = std::getenv("STRESSPLAN_PLUGIN_PATH")) {
    std::stringstream ss(env);
    std::string d;
    while (std::getline(ss, d, ':')) add(d);
  }
  for (const auto& d : plan_dirs) add(d);
  add(BuiltinPluginDir());
  return dirs;
}

Loader::Loader(Host* host) : host_(host) {}

Loader::~Loader() {
  for (auto& [file, plugin] : loaded_) {
    if (plugin->d.desc.shutdown) plugin->d.desc.shutdown();
  }
}

const Plugin* Loader::LoadFile(const std::string& path, std::string* err) {
  std::string file = fs::absolute(path).lexically_normal().string();
  if (auto it = loaded_.find(file); it != loaded_.end()) return it->second.get();
  if (auto it = failed_.find(file); it != failed_.end()) {
    *err = it->second;
    return nullptr;
  }
  auto fail = [&](const std::string& why) -> const Plugin* {
    *err = "plugin " + file + ": " + why;
    failed_[file] = *err;
    return nullptr;
  };
  if (!fs::exists(file)) return fail("no such file");

  auto plugin = std::make_unique<Plugin>();
  plugin->file = file;
  try {
    // rtld_now: an unresolved symbol fails here, with the loader's message, not mid-run.
    plugin->library = std::make_shared<boost::dll::shared_library>(
        file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return fail(std::string("cannot be loaded: ") + e.what());
  }
  if (!plugin->library->has(SP_ENTRY_SYMBOL)) {
    const std::string mangled = MangledEntrySymbol(file);
    if (!mangled.empty()) {
      return fail(std::string("has no entry symbol ") + SP_ENTRY_SYMBOL + ": its entry function has C++ linkage (" +
                  mangled + "), so its name was mangled; define it at global scope with SP_PLUGIN_ENTRY "
                  "(stressplan/plugin.h), which makes it extern \"C\"");
    }
    return fail(std::string("has no entry symbol ") + SP_ENTRY_SYMBOL +
                " (is it a stressplan plugin? define its entry function with SP_PLUGIN_ENTRY from "
                "stressplan/plugin.h and build it with stressplan_add_plugin())");
  }
  sp_entry_fn entry = plugin->library->get<const sp_plugin_descriptor*()>(SP_ENTRY_SYMBOL);
  return Register(std::move(plugin), entry, err);
}

const Plugin* Loader::LoadInProcess(const std::string& name, sp_entry_fn entry, std::string* err) {
  auto plugin = std::make_unique<Plugin>();
  plugin->file = "(in-process plugin " + name + ")";
  if (auto it = loaded_.find(plugin->file); it != loaded_.end()) return it->second.get();
  if (auto it = failed_.find(plugin->file); it != failed_.end()) {
    *err = it->second;
    return nullptr;
  }
  return Register(std::move(plugin), entry, err);
}

// What every plugin goes through once its entry function is found: the descriptor checked,
// init called, the plugin kept until the Loader goes.
const Plugin* Loader::Register(std::unique_ptr<Plugin> plugin, sp_entry_fn entry,
                               std::string* err) {
  const std::string file = plugin->file;
  auto fail = [&](const std::string& why) -> const Plugin* {
    *err = "plugin " + file + ": " + why;
    failed_[file] = *err;
    return nullptr;
  };
  const sp_plugin_descriptor* raw = nullptr;
  try {
    raw = entry();
  } catch (...) {
    return fail(std::string(SP_ENTRY_SYMBOL) + "() threw an exception across the C ABI");
  }
  std::string why;
  if (!ReadDescriptor(raw, &plugin->d, &why)) return fail(why);
  if (plugin->d.desc.init) {
    sp_error e{};
    sp_status st = plugin->d.desc.init(host_->api(), host_->Context(plugin->d.desc.name), &e);
    if (st != SP_OK) {
      return fail(std::string("init failed: ") + (e.message[0] ? e.message : "no reason given"));
    }
  }
  const Plugin* out = plugin.get();
  loaded_[file] = std::move(plugin);
  return out;
}

const Plugin* Loader::Load(const std::string& name_or_path, std::string* err) {
  bool is_path = name_or_path.find('/') != std::string::npos ||
                 (name_or_path.size() > 3 &&
                  name_or_path.compare(name_or_path.size() - 3, 3, kSuffix) == 0);
  if (is_path) return LoadFile(name_or_path, err);
  return LoadByName(name_or_path, err);
}

const Plugin* Loader::LoadByName(const std::string& name, std::string* err) {
  if (!IsPluginName(name.c_str())) {
    *err = "'" + name + "' is not a plugin name (a plugin name is [a-z0-9_]+)";
    return nullptr;
  }
  if (auto it = in_process_.find(name); it != in_process_.end())
    return LoadInProcess(name, it->second, err);
  const std::string filename = kPrefix + name + kSuffix;
  for (const auto& dir : search_path_) {
    fs::path candidate = fs::path(dir) / filename;
    std::error_code ec;
    if (!fs::exists(candidate, ec)) continue;
    const Plugin* p = LoadFile(candidate.string(), err);
    if (p == nullptr) return nullptr;
    if (name != p->name()) {
      *err = "plugin " + p->file + ": its file name promises '" + name +
             "' but its descriptor is named '" + p->name() + "'";
      return nullptr;
    }
    return p;
  }
  std::set<std::string> names;
  for (const auto& dir : search_path_) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string n = PluginNameOfFile(entry.path().string());
      if (!n.empty()) names.insert(n);
    }
  }
  *err = "no plugin named '" + name + "' (looked for " + filename + " in " +
         Joined(search_path_) + "); available: " +
         Joined(std::vector<std::string>(names.begin(), names.end()));
  return nullptr;
}

std::vector<Loader::Listing> Loader::ListAll() {
  std::vector<Listing> out;
  std::set<std::string> seen_names;
  for (const auto& dir : search_path_) {
    std::error_code ec;
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (!PluginNameOfFile(entry.path().string()).empty()) files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      Listing l;
      l.file = fs::absolute(f).lexically_normal().string();
      std::string err;
      l.plugin = LoadFile(f, &err);
      if (l.plugin == nullptr) l.error = err;
      out.push_back(std::move(l));
    }
  }
  return out;
}

}  // namespace sp::plugin
