// Templates in a request's path, header values and body: literal text with {{ expression }}
// slots, compiled once at create and rendered per request.
//
//   text        := ( literal | "{{{{" | "{{" expression "}}" )*
//   expression  := value ( "|" filter )*
//   value       := vu | iteration | seq | timestamp | timestamp_ms | uuid
//                | random_int(A, B) | random_string(N) | pick(X, Y, ...)
//                | data.COLUMN | CAPTURE_NAME | 'text' | "text" | INTEGER
//   filter      := json | url
//
// "{{{{" is a literal "{{"; "}}" outside a slot is literal text; spaces inside {{ }} are free.
// Names are resolved at compile time against a TemplateScope (data columns, captures defined
// by earlier request steps), so a typo is a create error, not a runtime surprise.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/http_target/template_values.h"

namespace sp::http {

class DataSet;

// Where a template's output goes; decides how slot values are made safe there.
enum class TemplateContext : uint8_t {
  kPath,    // bytes a request target cannot carry are percent-encoded
  kHeader,  // a value with a control character fails the request (no header injection)
  kBody,    // inserted as they are
};

// What the templates of one compile can refer to besides the built-in values.
struct TemplateScope {
  const DataSet* data = nullptr;  // the target's data_file, if any
  // Capture name -> slot, for captures defined by request steps before this one.
  const std::map<std::string, uint32_t, std::less<>>* captures = nullptr;
};

// Bits of Template::uses(): values a request needs before it renders.
enum TemplateUse : uint32_t {
  kUsesSeq = 1,
  kUsesTime = 2,
  kUsesData = 4,
  kUsesCaptures = 8,
};

class Template {
 public:
  // True if `text` has a "{{" and must be compiled (it may still be all literal: "{{{{").
  static bool HasMarkup(std::string_view text) { return text.find("{{") != std::string_view::npos; }

  // Compiles `text` and appends it to *out. On failure *err says where (character offset,
  // 1-based), which expression, and what is wrong.
  static bool Compile(std::string_view text, TemplateContext context, const TemplateScope& scope,
                      Template* out, std::string* err);

  void AppendLiteral(std::string_view text);
  void Append(const Template& other);

  bool HasSlots() const { return !slots_.empty(); }
  uint32_t uses() const { return uses_; }

  // Appends the rendered text to *out. False (with state.error set) when a value is missing
  // (a capture not set in this iteration) or not allowed where it goes (a header value with a
  // line break); *out is then unspecified.
  bool Render(RenderState& state, std::string* out) const;

  // The text with every slot replaced by "0": what checks at create (path syntax, whether a
  // body is JSON) look at.
  std::string Sample() const;

  // The literal text when there are no slots.
  std::string LiteralText() const { return Sample(); }

 private:
  enum class Kind : uint8_t {
    kText, kVu, kIteration, kSeq, kTimestamp, kTimestampMs, kUuid, kRandomInt, kRandomString,
    kPick, kData, kCapture
  };
  enum class Filter : uint8_t { kJson, kUrl, kForm };
  struct Slot {
    Kind kind = Kind::kText;
    TemplateContext context = TemplateContext::kBody;
    int64_t lo = 0, hi = 0;          // random_int bounds; random_string length in lo
    uint32_t index = 0;              // data column or capture slot
    std::vector<std::string> texts;  // pick's choices; kText: its one text; kCapture: its name
    std::vector<Filter> filters;
    std::string source;              // the expression as written, for messages
  };
  struct Piece {
    std::string literal;  // when slot < 0
    int32_t slot = -1;
  };
  friend class TemplateParser;

  bool RenderSlot(const Slot& slot, RenderState& state, std::string* out) const;

  std::vector<Piece> pieces_;
  std::vector<Slot> slots_;
  uint32_t uses_ = 0;
};

// Names a template cannot use for captures: the built-in values and functions.
bool IsReservedTemplateName(std::string_view name);

}  // namespace sp::http
