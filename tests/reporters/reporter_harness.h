// Drives a built reporter plugin the way the host does: loaded by the host's own loader (so its
// descriptor is checked as in a run), options resolved from its declarations with some set by
// the test, then create, on_document for each document of a fixture stream, finish, destroy.
#pragma once

#include <stressplan/reporter.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace sp::plugin {
class Host;
class Loader;
struct Plugin;
}  // namespace sp::plugin

namespace sp::reporters_test {

// One document of a run as the bus hands it over: its kind and its JSON text.
struct Document {
  sp_document_kind kind;
  std::string json;
};

// A stream from a JSON array of documents; each document's "type" gives its kind.
std::vector<Document> Stream(const nlohmann::json& documents);
// The JSON array in a fixture file (tests/reporters/fixtures/*.json). Throws on error.
nlohmann::json ReadFixture(const std::string& path);

struct Outcome {
  sp_status status = SP_OK;
  std::string step;  // "create", "on_document", "finish" when status is not SP_OK
  sp_error err{};
};

class ReporterPlugin {
 public:
  // Loads the library at `path`; throws std::runtime_error with the loader's message.
  explicit ReporterPlugin(const std::string& path);
  ~ReporterPlugin();

  const sp_plugin_descriptor& descriptor() const;

  // Options: each declared option gets its default, then `set` (name -> plan text for string,
  // path and bool options; paths are used as given, so pass absolute ones).
  Outcome Create(const std::map<std::string, std::string>& set);
  Outcome Run(const std::map<std::string, std::string>& set, const std::vector<Document>& documents);

 private:
  std::unique_ptr<plugin::Host> host_;
  std::unique_ptr<plugin::Loader> loader_;
  const plugin::Plugin* plugin_ = nullptr;
};

// The whole content of a file ("" if it cannot be read), and whether it exists.
std::string ReadFile(const std::string& path);
bool FileExists(const std::string& path);

// A fresh empty folder under the system's temporary folder, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace sp::reporters_test
