// Fuzzes JSON paths as checks and captures write them (lib/jsonpath/json_path.h): the
// first line is the path, the rest a response body. A path that parses is looked up in the
// body when the body is JSON, and what it finds is turned into text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz/first_line.h"
#include "lib/jsonpath/json_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [path_text, body] = SplitFirstLine(data, size);

  sp::jsonpath::JsonPath path;
  std::string err;
  if (!path.Parse(path_text, &err)) {
    if (err.empty()) std::abort();
    return 0;
  }
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  if (const nlohmann::json* found = path.Find(doc)) (void)sp::jsonpath::ValueText(*found);
  return 0;
}
