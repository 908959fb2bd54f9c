#include "plugins/http_target/template.h"

#include <array>
#include <charconv>
#include <utility>

#include "lib/http_body/form.h"
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

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsReservedTemplateName(std::string_view name) {
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

  bool Run(Template* out) {
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
      out->AppendLiteral(literal);
      literal.clear();
      Template::Slot slot;
      slot.context = context_;
      expr_start_ = open;
      pos_ = open + 2;
      if (!Expression(&slot)) return false;
      slot.source = std::string(text_.substr(open, pos_ - open));
      out->uses_ |= UseOf(slot.kind);
      out->pieces_.push_back({std::string(), static_cast<int32_t>(out->slots_.size())});
      out->slots_.push_back(std::move(slot));
      i = pos_;
    }
    out->AppendLiteral(literal);
    return true;
  }

 private:
  static uint32_t UseOf(Template::Kind k) {
    switch (k) {
      case Template::Kind::kSeq: return kUsesSeq;
      case Template::Kind::kTimestamp:
      case Template::Kind::kTimestampMs: return kUsesTime;
      case Template::Kind::kData: return kUsesData;
      case Template::Kind::kCapture: return kUsesCaptures;
      default: return 0;
    }
  }

  bool Fail(size_t at, const std::string& why) {
    const size_t close = text_.find("}}", expr_start_);
    const std::string_view expr =
        text_.substr(expr_start_, close == std::string_view::npos ? 40 : close + 2 - expr_start_);
    *err_ = "template error at character " + std::to_string(at + 1) + " (in " +
            std::string(expr.substr(0, 80)) + "): " + why;
    return false;
  }

  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool AtClose() const { return text_.substr(pos_, 2) == "}}"; }

  std::string_view Name() {
    const size_t start = pos_;
    if (pos_ < text_.size() && IsNameStart(text_[pos_])) {
      while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  bool Quoted(std::string* out) {
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
    if (pos_ >= text_.size())
      return Fail(start, "string is not closed; add the closing " + std::string(1, quote));
    ++pos_;
    return true;
  }

  bool Integer(int64_t* out) {
    const size_t start = pos_;
    if (at('-') || at('+')) ++pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    const char* first = text_.data() + start + (text_[start] == '+' ? 1 : 0);
    const auto r = std::from_chars(first, text_.data() + pos_, *out);
    if (r.ec != std::errc() || r.ptr != text_.data() + pos_) {
      return Fail(start, "expected a whole number (64-bit) here");
    }
    return true;
  }

  // One argument of a call: a quoted string, or bare text up to ',' or ')' (spaces trimmed).
  bool Argument(std::string* out) {
    SkipSpace();
    if (at('\'') || at('"')) {
      if (!Quoted(out)) return false;
      SkipSpace();
      return true;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && !at(',') && !at(')') && !at('{') && !at('}') && !at('\'') &&
           !at('"')) {
      ++pos_;
    }
    std::string_view bare = text_.substr(start, pos_ - start);
    while (!bare.empty() && IsSpace(bare.back())) bare.remove_suffix(1);
    if (bare.empty())
      return Fail(start, "expected an argument (a number, a word or a quoted string)");
    *out = std::string(bare);
    return true;
  }

  bool Arguments(std::vector<std::string>* args, std::vector<size_t>* starts) {
    ++pos_;  // '('
    SkipSpace();
    if (at(')')) {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      starts->push_back(pos_);
      std::string arg;
      if (!Argument(&arg)) return false;
      args->push_back(std::move(arg));
      if (at(',')) {
        ++pos_;
        continue;
      }
      if (at(')')) {
        ++pos_;
        return true;
      }
      return Fail(pos_, "expected ',' or ')' in the argument list");
    }
  }

  bool ToInteger(const std::string& arg, size_t where, int64_t* out) {
    const char* first = arg.data() + (!arg.empty() && arg[0] == '+' ? 1 : 0);
    const auto r = std::from_chars(first, arg.data() + arg.size(), *out);
    if (arg.empty() || r.ec != std::errc() || r.ptr != arg.data() + arg.size()) {
      return Fail(where, "expected a whole number, got \"" + arg + "\"");
    }
    return true;
  }

  bool Call(std::string_view fn, size_t fn_start, Template::Slot* slot) {
    std::vector<std::string> args;
    std::vector<size_t> starts;
    if (!Arguments(&args, &starts)) return false;
    const auto want = [&](size_t n, const char* usage) {
      if (args.size() == n) return true;
      return Fail(fn_start, std::string(fn) + " takes " + std::to_string(n) +
                                " argument(s): " + usage + ", got " + std::to_string(args.size()));
    };
    if (fn == "random_int") {
      if (!want(2, "random_int(min, max)")) return false;
      if (!ToInteger(args[0], starts[0], &slot->lo) || !ToInteger(args[1], starts[1], &slot->hi)) {
        return false;
      }
      if (slot->lo > slot->hi) {
        return Fail(starts[0],
                    "random_int(min, max) needs min <= max, got " + args[0] + " > " + args[1]);
      }
      slot->kind = Template::Kind::kRandomInt;
    } else if (fn == "random_string") {
      if (!want(1, "random_string(length)")) return false;
      if (!ToInteger(args[0], starts[0], &slot->lo)) return false;
      if (slot->lo < 1 || slot->lo > kMaxRandomString) {
        return Fail(starts[0], "random_string length must be 1 to " +
                                   std::to_string(kMaxRandomString) + ", got " + args[0]);
      }
      slot->kind = Template::Kind::kRandomString;
    } else if (fn == "pick") {
      if (args.empty()) return Fail(fn_start, "pick needs at least one choice: pick(a, b, ...)");
      slot->kind = Template::Kind::kPick;
      slot->texts = std::move(args);
    } else if (fn == "uuid" || fn == "vu" || fn == "iteration" || fn == "seq" ||
               fn == "timestamp" || fn == "timestamp_ms") {
      if (!args.empty()) return Fail(fn_start, std::string(fn) + " takes no arguments");
      return Named(fn, fn_start, slot);
    } else {
      return Fail(fn_start,
                  "unknown function \"" + std::string(fn) +
                      "\"; the functions are random_int(a, b), random_string(n), pick(a, b, ...)");
    }
    return true;
  }

  bool Named(std::string_view n, size_t start, Template::Slot* slot) {
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
      return Fail(start, std::string(n) + " is a function: write it with arguments, e.g. " +
                             (n == "pick"         ? "pick(a, b)"
                              : n == "random_int" ? "random_int(1, 100)"
                                                  : "random_string(8)"));
    }
    if (n == "data") return Fail(start, "write data.<column> to read a column of the data_file");
    if (scope_.captures != nullptr) {
      if (const auto it = scope_.captures->find(n); it != scope_.captures->end()) {
        slot->kind = K::kCapture;
        slot->index = it->second;
        slot->texts = {std::string(n)};
        return true;
      }
    }
    return Fail(start,
                "unknown name \"" + std::string(n) + "\"; known: " + std::string(kKnownNames));
  }

  bool DataColumn(size_t start, Template::Slot* slot) {
    ++pos_;  // '.'
    const size_t col_start = pos_;
    while (pos_ < text_.size() && !IsSpace(text_[pos_]) && !at('|') && !at('}') && !at('{') &&
           !at('(') && !at(')') && !at(',') && !at('\'') && !at('"')) {
      ++pos_;
    }
    const std::string_view column = text_.substr(col_start, pos_ - col_start);
    if (column.empty()) return Fail(col_start, "expected a column name after data.");
    if (scope_.data == nullptr) {
      return Fail(start, "data." + std::string(column) +
                             " needs a data file: set the target option data_file (a CSV file)");
    }
    const int index = scope_.data->Column(column);
    if (index < 0) {
      std::string known;
      for (const std::string& c : scope_.data->Columns()) known += (known.empty() ? "" : ", ") + c;
      return Fail(col_start,
                  "data_file has no column \"" + std::string(column) + "\"; its columns: " + known);
    }
    slot->kind = Template::Kind::kData;
    slot->index = static_cast<uint32_t>(index);
    return true;
  }

  bool Value(Template::Slot* slot) {
    SkipSpace();
    const size_t start = pos_;
    if (pos_ >= text_.size())
      return Fail(start, "unterminated {{: close it with }} or write {{{{ for a literal {{");
    if (at('\'') || at('"')) {
      slot->kind = Template::Kind::kText;
      slot->texts.emplace_back();
      return Quoted(&slot->texts.back());
    }
    if (IsDigit(text_[pos_]) || at('-') || at('+')) {
      int64_t v = 0;
      if (!Integer(&v)) return false;
      slot->kind = Template::Kind::kText;
      slot->texts = {std::string(text_.substr(start, pos_ - start))};
      return true;
    }
    const std::string_view n = Name();
    if (n.empty()) {
      if (AtClose())
        return Fail(start,
                    "empty {{ }}; write a value such as {{ vu }} (or {{{{ for a literal {{)");
      return Fail(start, "unexpected '" + std::string(1, text_[pos_]) +
                             "'; expected a name such as vu or data.column");
    }
    if (n == "data" && at('.')) return DataColumn(start, slot);
    SkipSpace();
    if (at('(')) return Call(n, start, slot);
    return Named(n, start, slot);
  }

  bool Expression(Template::Slot* slot) {
    if (!Value(slot)) return false;
    while (true) {
      SkipSpace();
      if (AtClose()) {
        pos_ += 2;
        return true;
      }
      if (pos_ >= text_.size()) {
        return Fail(expr_start_,
                    "unterminated {{: close it with }} or write {{{{ for a literal {{");
      }
      if (!at('|')) {
        return Fail(pos_, "expected }} or a | filter, got '" + std::string(1, text_[pos_]) + "'");
      }
      ++pos_;
      SkipSpace();
      const size_t fstart = pos_;
      const std::string_view f = Name();
      if (f == "json") {
        slot->filters.push_back(Template::Filter::kJson);
      } else if (f == "url") {
        slot->filters.push_back(Template::Filter::kUrl);
      } else if (f == "form") {
        slot->filters.push_back(Template::Filter::kForm);
      } else {
        return Fail(fstart, "unknown filter \"" + std::string(f) +
                                "\"; the filters are json, url and form");
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

bool Template::Compile(std::string_view text, TemplateContext context, const TemplateScope& scope,
                       Template* out, std::string* err) {
  return TemplateParser(text, context, scope, err).Run(out);
}

void Template::AppendLiteral(std::string_view text) {
  if (text.empty()) return;
  if (!pieces_.empty() && pieces_.back().slot < 0) {
    pieces_.back().literal.append(text);
  } else {
    pieces_.push_back({std::string(text), -1});
  }
}

void Template::Append(const Template& other) {
  const auto base = static_cast<int32_t>(slots_.size());
  for (const Piece& p : other.pieces_) {
    if (p.slot < 0) {
      AppendLiteral(p.literal);
    } else {
      pieces_.push_back({std::string(), base + p.slot});
    }
  }
  slots_.insert(slots_.end(), other.slots_.begin(), other.slots_.end());
  uses_ |= other.uses_;
}

std::string Template::Sample() const {
  std::string out;
  for (const Piece& p : pieces_) out += p.slot < 0 ? p.literal : "0";
  return out;
}

bool Template::Render(RenderState& state, std::string* out) const {
  for (const Piece& p : pieces_) {
    if (p.slot < 0) {
      out->append(p.literal);
    } else if (!RenderSlot(slots_[static_cast<size_t>(p.slot)], state, out)) {
      return false;
    }
  }
  return true;
}

bool Template::RenderSlot(const Slot& slot, RenderState& state, std::string* out) const {
  // Values that need no transformation go straight to *out; the rest through scratch.
  const bool direct = slot.filters.empty() && slot.context == TemplateContext::kBody;
  std::string& raw = direct ? *out : state.scratch[0];
  if (!direct) raw.clear();
  switch (slot.kind) {
    case Kind::kText: raw.append(slot.texts[0]); break;
    case Kind::kVu: AppendDecimal(uint64_t{state.vu}, &raw); break;
    case Kind::kIteration: AppendDecimal(state.iteration, &raw); break;
    case Kind::kSeq: AppendDecimal(state.seq, &raw); break;
    case Kind::kTimestamp: AppendDecimal(state.unix_ns / 1'000'000'000, &raw); break;
    case Kind::kTimestampMs: AppendDecimal(state.unix_ns / 1'000'000, &raw); break;
    case Kind::kUuid: AppendUuid(*state.rng, &raw); break;
    case Kind::kRandomInt: AppendDecimal(state.rng->Between(slot.lo, slot.hi), &raw); break;
    case Kind::kRandomString:
      AppendRandomString(*state.rng, static_cast<size_t>(slot.lo), &raw);
      break;
    case Kind::kPick: raw.append(slot.texts[state.rng->Below(slot.texts.size())]); break;
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
    switch (f) {
      case Filter::kJson: AppendJsonEscaped(*in, tmp); break;
      case Filter::kUrl: AppendUrlEncoded(*in, tmp); break;
      case Filter::kForm: http_body::AppendFormEncoded(*in, tmp); break;
    }
    std::swap(in, tmp);
  }
  switch (slot.context) {
    case TemplateContext::kPath: AppendPathSafe(*in, out); break;
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
