// Fuzzes the CSV reader of data files (plugins/http_target/data_file.h). What it accepts must
// keep the promises templates rely on: a non-empty header of unique names, at least one row,
// every row as wide as the header. What it refuses must say where.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "plugins/http_target/data_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sp::http::CsvTable table;
  std::string err;
  if (!sp::http::ParseCsv(text, &table, &err)) {
    if (err.empty()) std::abort();
    return 0;
  }
  if (table.columns.empty() || table.rows.empty()) std::abort();
  const std::set<std::string> names(table.columns.begin(), table.columns.end());
  if (names.size() != table.columns.size() || names.count("") != 0) std::abort();
  for (const auto& row : table.rows) {
    if (row.size() != table.columns.size()) std::abort();
  }
  return 0;
}
