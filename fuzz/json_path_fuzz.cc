// Fuzzes JSON paths as checks and captures write them (plugins/http_target/json_path.h): the
// first line is the path, the rest a response body. A path that parses is looked up in the
// body when the body is JSON, and what it finds is turned into text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "plugins/http_target/json_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view path_text = input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? "" : input.substr(newline + 1);

  sp::http::JsonPath path;
  std::string err;
  if (!path.parse(path_text, &err)) {
    if (err.empty()) std::abort();
    return 0;
  }
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  if (const nlohmann::json* found = path.find(doc)) (void)sp::http::json_value_text(*found);
  return 0;
}
