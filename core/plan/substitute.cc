#include "core/plan/substitute.h"

#include <cctype>

#include "core/plan/limits.h"

extern char** environ;

namespace sp::plan {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Substituter {
 public:
  Substituter(const std::string& text, const Variables& vars) : text_(text), vars_(vars) {}

  // Copies text from pos_ into *out until the end, or (nested) until the `}` closing a
  // default. Returns false with err_ set on the first problem.
  bool Run(std::string* out, bool nested) {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (nested && c == '}') return true;
      if (c != '$') {
        out->push_back(c);
        ++pos_;
        continue;
      }
      if (text_.compare(pos_, 3, "$${") == 0) {
        out->append("${");
        pos_ += 3;
        continue;
      }
      if (text_.compare(pos_, 2, "${") != 0) {
        out->push_back(c);
        ++pos_;
        continue;
      }
      if (!Expand(out)) return false;
    }
    if (nested) return Fail("unterminated ${...}: a default is missing its closing }");
    return true;
  }

  const std::string& error() const { return err_; }

 private:
  bool Fail(std::string message) {
    err_ = std::move(message);
    return false;
  }

  bool Expand(std::string* out) {
    size_t start = pos_;
    pos_ += 2;  // "${"
    size_t name_begin = pos_;
    if (pos_ < text_.size() && IsNameStart(text_[pos_])) {
      while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    }
    std::string name = text_.substr(name_begin, pos_ - name_begin);
    if (pos_ >= text_.size()) {
      return Fail("unterminated \"" + Excerpt(std::string_view(text_).substr(start)) + "\": close it with }");
    }
    if (name.empty()) {
      return Fail("invalid variable reference \"" + Snippet(start) +
                  "\": write ${NAME} with letters, digits and _ (write $${ for a literal ${)");
    }
    const std::string* value = vars_.find(name);
    if (text_[pos_] == '}') {
      ++pos_;
      if (!value && evaluate_) {
        const std::string shown = Excerpt(name);
        return Fail("variable " + shown +
                    " is not set; set it in the environment or in the selected environment's "
                    "vars:, or give a default with ${" + shown + ":-default}");
      }
      if (value) out->append(*value);
      return true;
    }
    if (text_.compare(pos_, 2, ":-") != 0) {
      return Fail("invalid variable reference \"" + Snippet(start) +
                  "\": write ${NAME} or ${NAME:-default}");
    }
    pos_ += 2;
    // Each nested default is one more level of this recursion: bound it, so a hostile
    // ${X:-${X:-...}} is an error instead of a stack overflow.
    if (depth_ >= limits::kMaxSubstitutionDepth) {
      return Fail("${...} defaults are nested more than " + std::to_string(limits::kMaxSubstitutionDepth) +
                  " deep (at \"" + Excerpt(text_.substr(start, limits::kMaxEchoedBytes)) + "\")");
    }
    // The default is only evaluated when it is used, so an unset variable inside an unused
    // default is not an error.
    const bool use_default = !value || value->empty();
    const bool saved = evaluate_;
    evaluate_ = saved && use_default;
    std::string fallback;
    ++depth_;
    bool ok = Run(&fallback, /*nested=*/true);
    --depth_;
    evaluate_ = saved;
    if (!ok) return false;
    ++pos_;  // "}"
    out->append(use_default ? fallback : *value);
    return true;
  }

  std::string Snippet(size_t start) const {
    size_t end = text_.find('}', start);
    return Excerpt(std::string_view(text_).substr(start, end == std::string::npos ? std::string::npos : end - start + 1));
  }

  const std::string& text_;
  const Variables& vars_;
  size_t pos_ = 0;
  bool evaluate_ = true;
  int depth_ = 0;  // defaults being read inside each other
  std::string err_;
};

void Walk(Value* node, const Variables& vars, const std::string& key, Diagnostics* errors,
          bool* ok) {
  switch (node->kind) {
    case Value::Kind::Null:
      return;
    case Value::Kind::Scalar: {
      if (node->scalar.find('$') == std::string::npos) return;
      std::string out, err;
      if (!SubstituteString(node->scalar, vars, &out, &err)) {
        AddError(errors, node->loc, key, err);
        *ok = false;
        return;
      }
      node->scalar = std::move(out);
      return;
    }
    case Value::Kind::Sequence:
      for (size_t i = 0; i < node->items.size(); ++i) {
        Walk(&node->items[i], vars, JoinKey(key, std::to_string(i)), errors, ok);
      }
      return;
    case Value::Kind::Map:
      for (auto& [name, child] : node->entries) Walk(&child, vars, JoinKey(key, name), errors, ok);
      return;
  }
}

}  // namespace

const std::string* Variables::find(const std::string& name) const {
  if (auto it = overlay.find(name); it != overlay.end()) return &it->second;
  if (auto it = process_env.find(name); it != process_env.end()) return &it->second;
  return nullptr;
}

bool SubstituteString(const std::string& text, const Variables& vars, std::string* out,
                      std::string* err) {
  std::string result;
  Substituter s(text, vars);
  if (!s.Run(&result, /*nested=*/false)) {
    if (err) *err = s.error();
    return false;
  }
  *out = std::move(result);
  return true;
}

bool SubstituteTree(Value* root, const Variables& vars, const std::string& key_base,
                    Diagnostics* errors) {
  bool ok = true;
  Walk(root, vars, key_base, errors, &ok);
  return ok;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

}  // namespace sp::plan
