// Catch2 helpers the reporter tests share: run a reporter plugin over a document stream and
// read what it wrote.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "reporter_harness.h"

namespace sp::reporters_test {

// Runs the plugin at `plugin_path` over `documents` with `options` (plus `path` to `file` in a
// temporary folder); requires it to succeed and returns the file's contents.
inline std::string ReportFor(const char* plugin_path, const std::string& file, const nlohmann::json& documents,
                             std::map<std::string, std::string> options) {
  TempDir dir;
  options.emplace("path", dir / file);
  ReporterPlugin plugin(plugin_path);
  Outcome o = plugin.Run(options, Stream(documents));
  INFO(o.step << ": " << o.err.message);
  REQUIRE(o.status == SP_OK);
  return ReadFile(dir / file);
}

inline size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace sp::reporters_test
