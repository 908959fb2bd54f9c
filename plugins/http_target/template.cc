#include "plugins/http_target/template.h"

#include <array>
#include <charconv>
#include <utility>

#include "plugins/http_target/data_file.h"

namespace sp::http {
namespace {

constexpr int64_t kMaxRandomString = 65536;
constexpr std::array<std::string_view, 10> kReserved = {
    "vu", "iteration", "seq", "timestamp", "timestamp_ms", "uuid", "random_int", "random_string",
    "pick", "data"};
constexpr std::string_view kKnownNames =
    "vu, iteration, seq, timestamp, timestamp_ms, uuid, random_int(a, b), random_string(n), "
    "pick(a, b, ...), data.<column>, or the name of a capture of an earlier request step";

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_reserved_template_name(std::string_view name) {
  for (std::string_view r : kReserved) {
    if (r == name) return true;
  }
  return false;
}

// Recursive descent over one "{{ ... }}" expression.
class TemplateParser {
 public:
  TemplateParser(std::string_view text, TemplateContext context, const TemplateScope& scope,
                 std::string* err)
      : text_(text), context_(context), scope_(scope), err_(err) {}

  bool run(Template* out) {
    std::string literal;
    size_t i = 0;
    while (i < text_.size()) {
      const size_t open = text_.find("{{", i);
      if (open == std::string_view::npos) {
        literal.append(text_.substr(i));
        break;
      }
      literal.append(text_.substr(i, open - i));
      if (text_.substr(open, 4) == "{{{{") {
        literal.append("{{");
        i = open + 4;
        continue;
      }
      out->append_literal(literal);
      literal.clear();
      Template::Slot slot;
      slot.context = context_;
      expr_start_ = open;
      pos_ = open + 2;
      if (!expression(&slot)) return false;
      slot.source = std::string(text_.substr(open, pos_ - open));
      out->uses_ |= use_of(slot.kind);
      out->pieces_.push_back({std::string(), static_cast<int32_t>(out->slots_.size())});
      out->slots_.push_back(std::move(slot));
      i = pos_;
    }
    out->append_literal(literal);
    return true;
  }

 private:
  static uint32_t use_of(Template::Kind k) {
    switch (k) {
      case Template::Kind::kSeq: return kUsesSeq;
      case Template::Kind::kTimestamp:
      case Template::Kind::kTimestampMs: return kUsesTime;
      case Template::Kind::kData: return kUsesData;
      case Template::Kind::kCapture: return kUsesCaptures;
      default: return 0;
    }
  }

  bool fail(size_t at, const std::string& why) {
    const size_t close = text_.find("}}", expr_start_);
    const std::string_view expr =
        text_.substr(expr_start_, close == std::string_view::npos ? 40 : close + 2 - expr_start_);
    *err_ = "template error at character " + std::to_string(at + 1) + " (in " +
            std::string(expr.substr(0, 80)) + "): " + why;
    return false;
  }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool at_close() const { return text_.substr(pos_, 2) == "}}"; }

  std::string_view name() {
    const size_t start = pos_;
    if (pos_ < text_.size() && is_name_start(text_[pos_])) {
      while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  bool quoted(std::string* out) {
    const size_t start = pos_;
    const char quote = text_[pos_++];
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        c = text_[pos_++];
        if (c == 'n') c = '\n';
        if (c == 't') c = '\t';
      }
      out->push_back(c);
    }
    if (pos_ >= text_.size()) return fail(start, "string is not closed; add the closing " + std::string(1, quote));
    ++pos_;
    return true;
  }

  bool integer(int64_t* out) {
    const size_t start = pos_;
    if (at('-') || at('+')) ++pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    const char* first = text_.data() + start + (text_[start] == '+' ? 1 : 0);
    const auto r = std::from_chars(first, text_.data() + pos_, *out);
    if (r.ec != std::errc() || r.ptr != text_.data() + pos_) {
      return fail(start, "expected a whole number (64-bit) here");
    }
    return true;
  }

  // One argument of a call: a quoted string, or bare text up to ',' or ')' (spaces trimmed).
  bool argument(std::string* out) {
    skip_space();
    if (at('\'') || at('"')) {
      if (!quoted(out)) return false;
      skip_space();
      return true;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && !at(',') && !at(')') && !at('{') && !at('}') && !at('\'') &&
           !at('"')) {
      ++pos_;
    }
    std::string_view bare = text_.substr(start, pos_ - start);
    while (!bare.empty() && is_space(bare.back())) bare.remove_suffix(1);
    if (bare.empty()) return fail(start, "expected an argument (a number, a word or a quoted string)");
    *out = std::string(bare);
    return true;
  }

  bool arguments(std::vector<std::string>* args, std::vector<size_t>* starts) {
    ++pos_;  // '('
    skip_space();
    if (at(')')) {
      ++pos_;
      return true;
    }
    while (true) {
      skip_space();
      starts->push_back(pos_);
      std::string arg;
      if (!argument(&arg)) return false;
      args->push_back(std::move(arg));
      if (at(',')) {
        ++pos_;
        continue;
      }
      if (at(')')) {
        ++pos_;
        return true;
      }
      return fail(pos_, "expected ',' or ')' in the argument list");
    }
  }

  bool to_integer(const std::string& arg, size_t where, int64_t* out) {
    const char* first = arg.data() + (!arg.empty() && arg[0] == '+' ? 1 : 0);
    const auto r = std::from_chars(first, arg.data() + arg.size(), *out);
    if (arg.empty() || r.ec != std::errc() || r.ptr != arg.data() + arg.size()) {
      return fail(where, "expected a whole number, got \"" + arg + "\"");
    }
    return true;
  }

  bool call(std::string_view fn, size_t fn_start, Template::Slot* slot) {
    std::vector<std::string> args;
    std::vector<size_t> starts;
    if (!arguments(&args, &starts)) return false;
    const auto want = [&](size_t n, const char* usage) {
      if (args.size() == n) return true;
      return fail(fn_start, std::string(fn) + " takes " + std::to_string(n) + " argument(s): " +
                                usage + ", got " + std::to_string(args.size()));
    };
    if (fn == "random_int") {
      if (!want(2, "random_int(min, max)")) return false;
      if (!to_integer(args[0], starts[0], &slot->lo) || !to_integer(args[1], starts[1], &slot->hi)) {
        return false;
      }
      if (slot->lo > slot->hi) {
        return fail(starts[0], "random_int(min, max) needs min <= max, got " + args[0] + " > " + args[1]);
      }
      slot->kind = Template::Kind::kRandomInt;
    } else if (fn == "random_string") {
      if (!want(1, "random_string(length)")) return false;
      if (!to_integer(args[0], starts[0], &slot->lo)) return false;
      if (slot->lo < 1 || slot->lo > kMaxRandomString) {
        return fail(starts[0], "random_string length must be 1 to " +
                                   std::to_string(kMaxRandomString) + ", got " + args[0]);
      }
      slot->kind = Template::Kind::kRandomString;
    } else if (fn == "pick") {
      if (args.empty()) return fail(fn_start, "pick needs at least one choice: pick(a, b, ...)");
      slot->kind = Template::Kind::kPick;
      slot->texts = std::move(args);
    } else if (fn == "uuid" || fn == "vu" || fn == "iteration" || fn == "seq" ||
               fn == "timestamp" || fn == "timestamp_ms") {
      if (!args.empty()) return fail(fn_start, std::string(fn) + " takes no arguments");
      return named(fn, fn_start, slot);
    } else {
      return fail(fn_start, "unknown function \"" + std::string(fn) +
                                "\"; the functions are random_int(a, b), random_string(n), pick(a, b, ...)");
    }
    return true;
  }

  bool named(std::string_view n, size_t start, Template::Slot* slot) {
    using K = Template::Kind;
    static const std::pair<std::string_view, K> kBuiltins[] = {
        {"vu", K::kVu}, {"iteration", K::kIteration}, {"seq", K::kSeq},
        {"timestamp", K::kTimestamp}, {"timestamp_ms", K::kTimestampMs}, {"uuid", K::kUuid}};
    for (const auto& [builtin, kind] : kBuiltins) {
      if (n == builtin) {
        slot->kind = kind;
        return true;
      }
    }
    if (n == "random_int" || n == "random_string" || n == "pick") {
      return fail(start, std::string(n) + " is a function: write it with arguments, e.g. " +
                             (n == "pick" ? "pick(a, b)" : n == "random_int" ? "random_int(1, 100)"
                                                                             : "random_string(8)"));
    }
    if (n == "data") return fail(start, "write data.<column> to read a column of the data_file");
    if (scope_.captures != nullptr) {
      if (const auto it = scope_.captures->find(n); it != scope_.captures->end()) {
        slot->kind = K::kCapture;
        slot->index = it->second;
        slot->texts = {std::string(n)};
        return true;
      }
    }
    return fail(start, "unknown name \"" + std::string(n) + "\"; known: " + std::string(kKnownNames));
  }

  bool data_column(size_t start, Template::Slot* slot) {
    ++pos_;  // '.'
    const size_t col_start = pos_;
    while (pos_ < text_.size() && !is_space(text_[pos_]) && !at('|') && !at('}') && !at('{') &&
           !at('(') && !at(')') && !at(',') && !at('\'') && !at('"')) {
      ++pos_;
    }
    const std::string_view column = text_.substr(col_start, pos_ - col_start);
    if (column.empty()) return fail(col_start, "expected a column name after data.");
    if (scope_.data == nullptr) {
      return fail(start, "data." + std::string(column) +
                             " needs a data file: set the target option data_file (a CSV file)");
    }
    const int index = scope_.data->column(column);
    if (index < 0) {
      std::string known;
      for (const std::string& c : scope_.data->columns()) known += (known.empty() ? "" : ", ") + c;
      return fail(col_start, "data_file has no column \"" + std::string(column) + "\"; its columns: " + known);
    }
    slot->kind = Template::Kind::kData;
    slot->index = static_cast<uint32_t>(index);
    return true;
  }

  bool value(Template::Slot* slot) {
    skip_space();
    const size_t start = pos_;
    if (pos_ >= text_.size()) return fail(start, "unterminated {{: close it with }} or write {{{{ for a literal {{");
    if (at('\'') || at('"')) {
      slot->kind = Template::Kind::kText;
      slot->texts.emplace_back();
      return quoted(&slot->texts.back());
    }
    if (is_digit(text_[pos_]) || at('-') || at('+')) {
      int64_t v = 0;
      if (!integer(&v)) return false;
      slot->kind = Template::Kind::kText;
      slot->texts = {std::string(text_.substr(start, pos_ - start))};
      return true;
    }
    const std::string_view n = name();
    if (n.empty()) {
      if (at_close()) return fail(start, "empty {{ }}; write a value such as {{ vu }} (or {{{{ for a literal {{)");
      return fail(start, "unexpected '" + std::string(1, text_[pos_]) + "'; expected a name such as vu or data.column");
    }
    if (n == "data" && at('.')) return data_column(start, slot);
    skip_space();
    if (at('(')) return call(n, start, slot);
    return named(n, start, slot);
  }

  bool expression(Template::Slot* slot) {
    if (!value(slot)) return false;
    while (true) {
      skip_space();
      if (at_close()) {
        pos_ += 2;
        return true;
      }
      if (pos_ >= text_.size()) {
        return fail(expr_start_, "unterminated {{: close it with }} or write {{{{ for a literal {{");
      }
      if (!at('|')) {
        return fail(pos_, "expected }} or a | filter, got '" + std::string(1, text_[pos_]) + "'");
      }
      ++pos_;
      skip_space();
      const size_t fstart = pos_;
      const std::string_view f = name();
      if (f == "json") {
        slot->filters.push_back(Template::Filter::kJson);
      } else if (f == "url") {
        slot->filters.push_back(Template::Filter::kUrl);
      } else {
        return fail(fstart, "unknown filter \"" + std::string(f) + "\"; the filters are json and url");
      }
    }
  }

  std::string_view text_;
  TemplateContext context_;
  const TemplateScope& scope_;
  std::string* err_;
  size_t pos_ = 0;
  size_t expr_start_ = 0;
};

bool Template::compile(std::string_view text, TemplateContext context, const TemplateScope& scope,
                       Template* out, std::string* err) {
  return TemplateParser(text, context, scope, err).run(out);
}

void Template::append_literal(std::string_view text) {
  if (text.empty()) return;
  if (!pieces_.empty() && pieces_.back().slot < 0) {
    pieces_.back().literal.append(text);
  } else {
    pieces_.push_back({std::string(text), -1});
  }
}

void Template::append(const Template& other) {
  const auto base = static_cast<int32_t>(slots_.size());
  for (const Piece& p : other.pieces_) {
    if (p.slot < 0) {
      append_literal(p.literal);
    } else {
      pieces_.push_back({std::string(), base + p.slot});
    }
  }
  slots_.insert(slots_.end(), other.slots_.begin(), other.slots_.end());
  uses_ |= other.uses_;
}

std::string Template::sample() const {
  std::string out;
  for (const Piece& p : pieces_) out += p.slot < 0 ? p.literal : "0";
  return out;
}

bool Template::render(RenderState& state, std::string* out) const {
  for (const Piece& p : pieces_) {
    if (p.slot < 0) {
      out->append(p.literal);
    } else if (!render_slot(slots_[static_cast<size_t>(p.slot)], state, out)) {
      return false;
    }
  }
  return true;
}

bool Template::render_slot(const Slot& slot, RenderState& state, std::string* out) const {
  // Values that need no transformation go straight to *out; the rest through scratch.
  const bool direct = slot.filters.empty() && slot.context == TemplateContext::kBody;
  std::string& raw = direct ? *out : state.scratch[0];
  if (!direct) raw.clear();
  switch (slot.kind) {
    case Kind::kText: raw.append(slot.texts[0]); break;
    case Kind::kVu: append_decimal(uint64_t{state.vu}, &raw); break;
    case Kind::kIteration: append_decimal(state.iteration, &raw); break;
    case Kind::kSeq: append_decimal(state.seq, &raw); break;
    case Kind::kTimestamp: append_decimal(state.unix_ns / 1'000'000'000, &raw); break;
    case Kind::kTimestampMs: append_decimal(state.unix_ns / 1'000'000, &raw); break;
    case Kind::kUuid: append_uuid(*state.rng, &raw); break;
    case Kind::kRandomInt: append_decimal(state.rng->between(slot.lo, slot.hi), &raw); break;
    case Kind::kRandomString:
      append_random_string(*state.rng, static_cast<size_t>(slot.lo), &raw);
      break;
    case Kind::kPick: raw.append(slot.texts[state.rng->below(slot.texts.size())]); break;
    case Kind::kData:
      if (state.row == nullptr) {
        state.error = "template: no data row for " + slot.source;
        return false;
      }
      raw.append((*state.row)[slot.index]);
      break;
    case Kind::kCapture:
      if (state.vars == nullptr || slot.index >= state.vars->set.size() ||
          !state.vars->set[slot.index]) {
        state.error = "capture \"" + slot.texts[0] +
                      "\" is not set in this iteration (the step that captures it failed, "
                      "did not match, or has not run); request not sent";
        return false;
      }
      raw.append(state.vars->values[slot.index]);
      break;
  }
  if (direct) return true;

  std::string* in = &state.scratch[0];
  std::string* tmp = &state.scratch[1];
  for (Filter f : slot.filters) {
    tmp->clear();
    if (f == Filter::kJson) {
      append_json_escaped(*in, tmp);
    } else {
      append_url_encoded(*in, tmp);
    }
    std::swap(in, tmp);
  }
  switch (slot.context) {
    case TemplateContext::kPath:
      append_path_safe(*in, out);
      break;
    case TemplateContext::kHeader:
      for (char c : *in) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) {
          state.error = "the value of " + slot.source +
                        " contains a line break or control character, which a header cannot "
                        "carry; request not sent";
          return false;
        }
      }
      out->append(*in);
      break;
    case TemplateContext::kBody:
      out->append(*in);
      break;
  }
  return true;
}

}  // namespace sp::http
