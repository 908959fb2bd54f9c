#include "plugins/http_target/data_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace sp::http {

namespace {

// Reads RFC 4180 records from a text, one character at a time, keeping the line and column of
// the next character for the error messages. A failure fills err and returns false.
class CsvReader {
 public:
  CsvReader(std::string_view text, std::string* err) : text_(text), err_(err) {}

  bool Done() const { return i_ >= text_.size(); }
  size_t line() const { return line_; }

  // An empty line (skipped between records).
  bool AtEmptyLine() const { return !Done() && AtLineBreak(); }

  // Passes the line break (LF or CRLF) under the cursor, if any.
  void SkipLineBreak() {
    if (Done()) return;
    i_ += text_[i_] == '\r' ? 2 : 1;
    ++line_;
    col_ = 1;
  }

  // One record's fields, up to its line break or the end of the text.
  bool Record(std::vector<std::string>* fields) {
    fields->clear();
    while (true) {
      std::string field;
      const bool ok = !Done() && text_[i_] == '"' ? QuotedField(&field) : PlainField(&field);
      if (!ok) return false;
      fields->push_back(std::move(field));
      if (Done() || text_[i_] != ',') return true;  // end of record: line break or end of text
      Advance();
    }
  }

  bool Fail(size_t at_line, size_t at_col, const std::string& why) {
    *err_ = "line " + std::to_string(at_line) + ", column " + std::to_string(at_col) + ": " + why;
    return false;
  }

 private:
  bool AtLineBreak() const {
    return text_[i_] == '\n' || (text_[i_] == '\r' && i_ + 1 < text_.size() && text_[i_ + 1] == '\n');
  }
  bool AtFieldEnd() const { return Done() || text_[i_] == ',' || AtLineBreak(); }

  void Advance() {
    if (text_[i_++] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
  }

  bool QuotedField(std::string* field) {
    const size_t open_line = line_, open_col = col_;
    Advance();  // the opening quote
    while (true) {
      if (Done())
        return Fail(open_line, open_col, "quoted field is not closed; add the closing \"");
      if (text_[i_] == '"') {
        Advance();
        if (Done() || text_[i_] != '"') break;  // the closing quote
      }
      *field += text_[i_];  // a character, or the second quote of a doubled one
      Advance();
    }
    if (!AtFieldEnd()) {
      return Fail(line_, col_,
                  "unexpected character after a closing quote; a field is either "
                  "wholly quoted or not at all");
    }
    return true;
  }

  bool PlainField(std::string* field) {
    while (!AtFieldEnd()) {
      if (text_[i_] == '"') {
        return Fail(line_, col_,
                    "quote inside an unquoted field; quote the whole field and "
                    "double the quote (\"a \"\"b\"\"\")");
      }
      *field += text_[i_];
      Advance();
    }
    return true;
  }

  std::string_view text_;
  std::string* err_;
  size_t i_ = 0;
  size_t line_ = 1, col_ = 1;  // of the character at i_
};

bool CheckHeader(const std::vector<std::string>& names, size_t line, CsvReader* reader) {
  std::set<std::string> seen;
  for (size_t k = 0; k < names.size(); ++k) {
    if (names[k].empty()) {
      return reader->Fail(line, 1,
                          "column " + std::to_string(k + 1) +
                              " of the header row has "
                              "no name; the first row names the columns");
    }
    if (!seen.insert(names[k]).second) {
      return reader->Fail(line, 1,
                          "column name \"" + names[k] + "\" appears twice in the header row");
    }
  }
  return true;
}

}  // namespace

bool ParseCsv(std::string_view text, CsvTable* out, std::string* err) {
  out->columns.clear();
  out->rows.clear();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  CsvReader reader(text, err);
  std::vector<std::string> record;
  bool header_done = false;
  while (!reader.Done()) {
    if (reader.AtEmptyLine()) {
      reader.SkipLineBreak();
      continue;
    }
    const size_t record_line = reader.line();
    if (!reader.Record(&record)) return false;
    reader.SkipLineBreak();
    if (!header_done) {
      if (!CheckHeader(record, record_line, &reader)) return false;
      out->columns = record;
      header_done = true;
    } else if (record.size() != out->columns.size()) {
      return reader.Fail(record_line, 1,
                         "row has " + std::to_string(record.size()) +
                             " field(s), the "
                             "header has " +
                             std::to_string(out->columns.size()));
    } else {
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

bool ParseDataMode(std::string_view text, DataMode* out) {
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

int DataSet::Column(std::string_view name) const {
  for (size_t i = 0; i < table_.columns.size(); ++i) {
    if (table_.columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool LoadCsvFile(const std::string& path, CsvTable* out, std::string* err) {
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
  if (!ParseCsv(text.str(), out, &why)) {
    *err = "data_file " + path + ": " + why;
    return false;
  }
  return true;
}

}  // namespace sp::http
