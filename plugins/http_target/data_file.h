// CSV data files (`data_file`, `data_mode`): rows of values that templates read as
// {{ data.<column> }}. Loaded once at create; read-only afterwards except for the shared
// position of `sequential` mode.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/http_target/host_segment.h"

namespace sp::http {

struct CsvTable {
  std::vector<std::string> columns;            // the header row
  std::vector<std::vector<std::string>> rows;  // each exactly columns.size() fields
};

// Parses RFC 4180 CSV: comma-separated fields, records ending in CRLF or LF, fields in double
// quotes may hold commas, quotes (doubled: "") and line breaks. The first record is the header:
// non-empty, unique column names. A UTF-8 byte order mark is skipped; empty lines are skipped.
// Every record must have as many fields as the header. At least one data row.
// Errors say "line L, column C: ..." (1-based) in *err.
bool ParseCsv(std::string_view text, CsvTable* out, std::string* err);

enum class DataMode {
  kSequential,  // rows in file order, shared by every VU and worker, wrapping around; in
                //   segment I of N, rows I, I + N, I + 2N, ... (the plan's draws I, I + N, ...)
  kRandom,      // a row drawn at random
  kUnique,      // VU n always reads row n; a VU without a row of its own fails its requests
};

// Parses "sequential", "random" or "unique".
bool ParseDataMode(std::string_view text, DataMode* out);

// A loaded data file. Each VU draws one row per iteration (see vu_sessions.h).
class DataSet {
 public:
  DataSet(CsvTable table, DataMode mode, std::string file, HostSegment segment = {})
      : table_(std::move(table)), mode_(mode), file_(std::move(file)), segment_(segment) {}

  const std::vector<std::string>& Columns() const { return table_.columns; }
  size_t RowCount() const { return table_.rows.size(); }
  const std::vector<std::string>& Row(size_t i) const { return table_.rows[i]; }
  DataMode mode() const { return mode_; }
  const std::string& file() const { return file_; }
  // The column's index, or -1.
  int Column(std::string_view name) const;

  // sequential mode: the next row, shared by all threads (one relaxed atomic per draw). This
  // segment's draw l is the plan's draw segment.Global(l), so segments never read the same
  // row where one machine would have read two.
  size_t NextSequential() const {
    const uint64_t draw = segment_.Global(next_.fetch_add(1, std::memory_order_relaxed));
    return static_cast<size_t>(draw % table_.rows.size());
  }

 private:
  CsvTable table_;
  DataMode mode_;
  std::string file_;
  HostSegment segment_;
  mutable std::atomic<uint64_t> next_{0};
};

// Reads and parses `path`; errors name the file.
bool LoadCsvFile(const std::string& path, CsvTable* out, std::string* err);

}  // namespace sp::http
