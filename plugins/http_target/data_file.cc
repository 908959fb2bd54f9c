#include "plugins/http_target/data_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace sp::http {

bool parse_csv(std::string_view text, CsvTable* out, std::string* err) {
  out->columns.clear();
  out->rows.clear();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  size_t line = 1, col = 1;  // of the character at i
  size_t i = 0;
  const auto fail = [&](size_t at_line, size_t at_col, const std::string& why) {
    *err = "line " + std::to_string(at_line) + ", column " + std::to_string(at_col) + ": " + why;
    return false;
  };

  std::vector<std::string> record;
  bool header_done = false;
  size_t record_line = 1;
  while (i < text.size()) {
    // One record.
    record.clear();
    record_line = line;
    // Empty line: skipped.
    if (text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      i += text[i] == '\r' ? 2 : 1;
      ++line;
      col = 1;
      continue;
    }
    while (true) {
      std::string field;
      if (i < text.size() && text[i] == '"') {
        const size_t open_line = line, open_col = col;
        ++i;
        ++col;
        while (true) {
          if (i >= text.size()) return fail(open_line, open_col, "quoted field is not closed; add the closing \"");
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              col += 2;
              continue;
            }
            ++i;
            ++col;
            break;
          }
          field += c;
          ++i;
          if (c == '\n') {
            ++line;
            col = 1;
          } else {
            ++col;
          }
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' &&
            !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
          return fail(line, col, "unexpected character after a closing quote; a field is either "
                                 "wholly quoted or not at all");
        }
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' &&
               !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
          if (text[i] == '"') {
            return fail(line, col, "quote inside an unquoted field; quote the whole field and "
                                   "double the quote (\"a \"\"b\"\"\")");
          }
          field += text[i++];
          ++col;
        }
      }
      record.push_back(std::move(field));
      if (i < text.size() && text[i] == ',') {
        ++i;
        ++col;
        continue;
      }
      break;  // end of record: line break or end of text
    }
    if (i < text.size()) {
      i += text[i] == '\r' ? 2 : 1;
      ++line;
      col = 1;
    }
    if (!header_done) {
      std::set<std::string> seen;
      for (size_t k = 0; k < record.size(); ++k) {
        if (record[k].empty()) {
          return fail(record_line, 1, "column " + std::to_string(k + 1) + " of the header row has "
                                      "no name; the first row names the columns");
        }
        if (!seen.insert(record[k]).second) {
          return fail(record_line, 1, "column name \"" + record[k] + "\" appears twice in the header row");
        }
      }
      out->columns = record;
      header_done = true;
    } else {
      if (record.size() != out->columns.size()) {
        return fail(record_line, 1, "row has " + std::to_string(record.size()) + " field(s), the "
                    "header has " + std::to_string(out->columns.size()));
      }
      out->rows.push_back(record);
    }
  }
  if (!header_done) {
    *err = "the file is empty; the first row must name the columns";
    return false;
  }
  if (out->rows.empty()) {
    *err = "no data rows after the header row";
    return false;
  }
  return true;
}

bool parse_data_mode(std::string_view text, DataMode* out) {
  if (text == "sequential") {
    *out = DataMode::kSequential;
  } else if (text == "random") {
    *out = DataMode::kRandom;
  } else if (text == "unique") {
    *out = DataMode::kUnique;
  } else {
    return false;
  }
  return true;
}

int DataSet::column(std::string_view name) const {
  for (size_t i = 0; i < table_.columns.size(); ++i) {
    if (table_.columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool load_csv_file(const std::string& path, CsvTable* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = "cannot read data_file " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    *err = "cannot read data_file " + path + ": read error";
    return false;
  }
  std::string why;
  if (!parse_csv(text.str(), out, &why)) {
    *err = "data_file " + path + ": " + why;
    return false;
  }
  return true;
}

}  // namespace sp::http
