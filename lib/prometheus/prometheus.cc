#include "lib/prometheus/prometheus.h"

#include <charconv>
#include <cstdint>
#include <utility>

namespace sp::prometheus {
namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsLabelStart(char c) { return c != ':' && IsNameStart(c); }
bool IsLabelChar(char c) { return c != ':' && IsNameChar(c); }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// A read position over one line or one selector.
struct Cursor {
  std::string_view s;
  size_t pos = 0;
  bool end() const { return pos >= s.size(); }
  char peek() const { return end() ? '\0' : s[pos]; }
  void SkipBlanks() {
    while (!end() && IsBlank(s[pos])) ++pos;
  }
  size_t column() const { return pos + 1; }
  std::string_view Take(bool (*first)(char), bool (*rest)(char)) {
    size_t start = pos;
    if (end() || !first(s[pos])) return {};
    ++pos;
    while (!end() && rest(s[pos])) ++pos;
    return s.substr(start, pos - start);
  }
};

enum class QuotedStatus { Ok, Unterminated, BadEscape };

// Reads a "..." string (the cursor is on the opening quote) and unescapes \" \\ \n.
// `strict`: an unknown escape is an error (selectors); otherwise it is kept as written
// (expositions, where being lenient costs nothing).
QuotedStatus ReadQuoted(Cursor* c, bool strict, std::string* out, size_t* bad_at) {
  ++c->pos;  // opening quote
  out->clear();
  while (!c->end()) {
    char ch = c->s[c->pos];
    if (ch == '"') {
      ++c->pos;
      return QuotedStatus::Ok;
    }
    if (ch == '\\') {
      if (c->pos + 1 >= c->s.size()) return QuotedStatus::Unterminated;
      char esc = c->s[c->pos + 1];
      if (esc == '"' || esc == '\\') {
        out->push_back(esc);
      } else if (esc == 'n') {
        out->push_back('\n');
      } else if (strict) {
        *bad_at = c->pos;
        return QuotedStatus::BadEscape;
      } else {
        out->push_back('\\');
        out->push_back(esc);
      }
      c->pos += 2;
      continue;
    }
    out->push_back(ch);
    ++c->pos;
  }
  return QuotedStatus::Unterminated;
}

// A sample value: a float as Go's ParseFloat reads it, including +Inf, -Inf, Inf and NaN.
bool ParseValue(std::string_view tok, double* v) {
  if (tok.empty()) return false;
  if (tok[0] == '+') {
    tok.remove_prefix(1);
    if (tok.empty() || tok[0] == '-' || tok[0] == '+') return false;
  }
  auto [ptr, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), *v);
  return ec == std::errc() && ptr == tok.data() + tok.size();
}

bool ParseTimestamp(std::string_view tok) {
  int64_t ts = 0;
  auto [ptr, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), ts);
  return ec == std::errc() && ptr == tok.data() + tok.size();
}

std::string_view NextToken(Cursor* c) {
  size_t start = c->pos;
  while (!c->end() && !IsBlank(c->s[c->pos])) ++c->pos;
  return c->s.substr(start, c->pos - start);
}

struct Sample {
  std::string_view name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

// One exposition line without its line ending. False when it is not a valid sample line.
bool ParseSampleLine(std::string_view line, Sample* out) {
  Cursor c{line};
  c.SkipBlanks();
  out->name = c.Take(IsNameStart, IsNameChar);
  if (out->name.empty()) return false;
  out->labels.clear();
  if (c.peek() == '{') {
    ++c.pos;
    for (;;) {
      c.SkipBlanks();
      if (c.peek() == '}') {
        ++c.pos;
        break;
      }
      std::string_view label = c.Take(IsLabelStart, IsLabelChar);
      if (label.empty()) return false;
      c.SkipBlanks();
      if (c.peek() != '=') return false;
      ++c.pos;
      c.SkipBlanks();
      if (c.peek() != '"') return false;
      std::string value;
      size_t bad_at = 0;
      if (ReadQuoted(&c, /*strict=*/false, &value, &bad_at) != QuotedStatus::Ok) return false;
      for (const auto& [k, v] : out->labels) {
        if (k == label) return false;  // a label twice: the line is malformed
      }
      out->labels.emplace_back(std::string(label), std::move(value));
      c.SkipBlanks();
      if (c.peek() == ',') {
        ++c.pos;
        continue;
      }
      if (c.peek() != '}') return false;
    }
  } else if (!IsBlank(c.peek())) {
    return false;  // `name1x` is fine as a name; `name-1` or `name` alone is not a sample
  }
  c.SkipBlanks();
  if (!ParseValue(NextToken(&c), &out->value)) return false;
  c.SkipBlanks();
  if (!c.end()) {
    if (!ParseTimestamp(NextToken(&c))) return false;
    c.SkipBlanks();
    if (!c.end()) return false;
  }
  return true;
}

// Reads a selector left to right; each step fails with *err saying what and at which column.
class SelectorReader {
 public:
  SelectorReader(std::string_view text, std::string* err) : text_(text), c_{text}, err_(err) {}

  bool Read(PromSelector* sel) {
    c_.SkipBlanks();
    if (c_.end()) {
      *err_ = "selector is empty: expected a metric name such as up or up{job=\"api\"}";
      return false;
    }
    if (!ReadName(&sel->name)) return false;
    c_.SkipBlanks();
    if (c_.peek() == '{' && !ReadMatchers(&sel->matchers)) return false;
    if (!c_.end()) {
      return Fail(std::string("unexpected '") + c_.peek() + "' after the selector", c_.column());
    }
    return true;
  }

 private:
  bool Fail(const std::string& what, size_t column) {
    *err_ =
        "selector '" + std::string(text_) + "': " + what + " at column " + std::to_string(column);
    return false;
  }

  bool ReadName(std::string* name) {
    const size_t name_col = c_.column();
    *name = std::string(c_.Take(IsNameStart, IsNameChar));
    if (!name->empty()) return true;
    if (c_.peek() == '{') return Fail("a metric name is required before '{'", name_col);
    return Fail(std::string("expected a metric name (letters, digits, '_' or ':'), found '") +
                    c_.peek() + "'",
                name_col);
  }

  // `{` matcher (`,` matcher)* [`,`] `}`, blanks between; the cursor is on the '{'.
  bool ReadMatchers(std::vector<PromSelector::Matcher>* matchers) {
    const size_t open_col = c_.column();
    ++c_.pos;
    for (;;) {
      c_.SkipBlanks();
      if (c_.end()) return Fail("missing '}' to close the '{'", open_col);
      if (c_.peek() == '}') break;
      PromSelector::Matcher m;
      if (!ReadMatcher(&m)) return false;
      matchers->push_back(std::move(m));
      c_.SkipBlanks();
      if (c_.peek() == ',') {
        ++c_.pos;
        continue;
      }
      if (c_.peek() == '}') break;
      if (c_.end()) return Fail("missing '}' to close the '{'", open_col);
      return Fail(std::string("expected ',' or '}', found '") + c_.peek() + "'", c_.column());
    }
    ++c_.pos;  // '}'
    c_.SkipBlanks();
    return true;
  }

  // label (= | !=) "value"
  bool ReadMatcher(PromSelector::Matcher* m) {
    const size_t label_col = c_.column();
    m->label = std::string(c_.Take(IsLabelStart, IsLabelChar));
    if (m->label.empty()) {
      return Fail(std::string("expected a label name, found '") + c_.peek() + "'", label_col);
    }
    c_.SkipBlanks();
    if (!ReadOperator(m)) return false;
    c_.SkipBlanks();
    return ReadValue(m);
  }

  bool ReadOperator(PromSelector::Matcher* m) {
    const size_t op_col = c_.column();
    const std::string_view op = c_.s.substr(c_.pos, 2);
    if (op == "=~" || op == "!~") {
      return Fail("regex matchers (=~, !~) are not supported; use = or !=", op_col);
    }
    if (op == "!=") {
      m->negate = true;
      c_.pos += 2;
      return true;
    }
    if (c_.peek() == '=') {
      c_.pos += 1;
      return true;
    }
    return Fail("expected = or != after label '" + m->label + "'", op_col);
  }

  bool ReadValue(PromSelector::Matcher* m) {
    const size_t value_col = c_.column();
    if (c_.peek() != '"') {
      return Fail("expected a double-quoted value for label '" + m->label + "'", value_col);
    }
    size_t bad_at = 0;
    switch (ReadQuoted(&c_, /*strict=*/true, &m->value, &bad_at)) {
      case QuotedStatus::Ok: return true;
      case QuotedStatus::Unterminated:
        return Fail("unterminated value for label '" + m->label + "'", value_col);
      case QuotedStatus::BadEscape:
        return Fail(
            std::string("unknown escape '\\") + text_[bad_at + 1] + "' (only \\\", \\\\ and \\n)",
            bad_at + 1);
    }
    return false;
  }

  std::string_view text_;
  Cursor c_;
  std::string* err_;
};

}  // namespace

bool PromSelector::Parse(std::string_view text, PromSelector* out, std::string* err) {
  PromSelector sel;
  sel.text = std::string(text);
  if (!SelectorReader(text, err).Read(&sel)) return false;
  *out = std::move(sel);
  return true;
}

bool PromSelector::Matches(
    std::string_view sample_name,
    const std::vector<std::pair<std::string, std::string>>& labels) const {
  if (sample_name != name) return false;
  for (const Matcher& m : matchers) {
    std::string_view have;  // a missing label has the value "", as in PromQL
    for (const auto& [k, v] : labels) {
      if (k == m.label) {
        have = v;
        break;
      }
    }
    if ((have == m.value) == m.negate) return false;
  }
  return true;
}

std::optional<double> PromValue(std::string_view exposition, const PromSelector& sel,
                                size_t* skipped) {
  std::optional<double> sum;
  size_t bad = 0;
  Sample sample;
  size_t start = 0;
  while (start < exposition.size()) {
    size_t nl = exposition.find('\n', start);
    if (nl == std::string_view::npos) nl = exposition.size();
    std::string_view line = exposition.substr(start, nl - start);
    start = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;  // blank, HELP, TYPE
    if (!ParseSampleLine(line, &sample)) {
      ++bad;
      continue;
    }
    if (sel.Matches(sample.name, sample.labels)) sum = sum.value_or(0.0) + sample.value;
  }
  if (skipped != nullptr) *skipped = bad;
  return sum;
}

}  // namespace sp::prometheus
