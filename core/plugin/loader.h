// Finds plugin libraries on the search path, loads them with Boost.DLL, checks their
// descriptors (descriptor.h) and runs their init. A loaded library stays loaded until the
// Loader is destroyed, which must come after every object created by its plugins.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/plugin/descriptor.h"
#include "core/plugin/host.h"

namespace boost::dll { class shared_library; }

namespace sp::plugin {

struct Plugin {
  std::string file;  // absolute path of the library
  Descriptor d;
  std::shared_ptr<boost::dll::shared_library> library;

  const char* name() const { return d.desc.name; }
  sp_kind kind() const { return d.desc.kind; }
};

// The folder the build or install put our own plugins in, next to the running binary.
std::string BuiltinPluginDir();

// The search path in precedence order: --plugin-path folders, STRESSPLAN_PLUGIN_PATH
// (colon-separated), the plan's `plugins:` folders, then BuiltinPluginDir().
std::vector<std::string> SearchPath(const std::vector<std::string>& cli_dirs,
                                    const std::vector<std::string>& plan_dirs);

class Loader {
 public:
  explicit Loader(Host* host);
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  void SetSearchPath(std::vector<std::string> dirs) { search_path_ = std::move(dirs); }
  // A plugin linked into this process (an in-process test's fake target or fault): LoadByName
  // finds `name` here before the search path, and checks and inits it like a library's.
  void AddInProcess(const std::string& name, sp_entry_fn entry) { in_process_[name] = entry; }
  const std::vector<std::string>& search_path() const { return search_path_; }

  // Loads a plugin by name ("http": the first stressplan-http.so on the search path) or by
  // path (contains '/' or ends in ".so"). Loads each file once. On failure returns nullptr and
  // sets *err to a message that names the file (or, if none was found, where it looked).
  const Plugin* Load(const std::string& name_or_path, std::string* err);

  // Loads a plugin by name only: the first stressplan-<name>.so on the search path. A path, or
  // anything that is not [a-z0-9_]+, is refused: for names that come from files the user did
  // not write (a chaos journal), so they cannot make us load a library from anywhere else.
  const Plugin* LoadByName(const std::string& name, std::string* err);

  struct Listing {
    std::string file;
    const Plugin* plugin = nullptr;  // nullptr: `error` says why it could not be loaded
    std::string error;
  };
  // Every stressplan-*.so on the search path, loaded (for `stressplan plugins`).
  std::vector<Listing> ListAll();

 private:
  const Plugin* LoadFile(const std::string& file, std::string* err);
  const Plugin* LoadInProcess(const std::string& name, sp_entry_fn entry, std::string* err);
  const Plugin* Register(std::unique_ptr<Plugin> plugin, sp_entry_fn entry, std::string* err);

  Host* host_;
  std::vector<std::string> search_path_;
  std::map<std::string, std::unique_ptr<Plugin>> loaded_;  // by absolute file
  std::map<std::string, std::string> failed_;              // file -> error
  std::map<std::string, sp_entry_fn> in_process_;          // AddInProcess
};

}  // namespace sp::plugin
