#include "plugins/http_target/regex.h"

#include <pcre.h>

#include <climits>

namespace sp::http {
namespace {

// Bounds for a pattern that backtracks badly: past them the search reports no match.
constexpr unsigned long kMatchLimit = 10'000'000;
constexpr unsigned long kRecursionLimit = 5'000;

}  // namespace

struct Regex::Code {
  pcre* re = nullptr;
  pcre_extra* extra = nullptr;
  int groups = 0;
  ~Code() {
    if (extra != nullptr) pcre_free_study(extra);
    if (re != nullptr) pcre_free(re);
  }
};

bool Regex::Compile(const std::string& pattern, std::string* err) {
  auto code = std::make_shared<Code>();
  const char* why = nullptr;
  int offset = 0;
  code->re = pcre_compile(pattern.c_str(), 0, &why, &offset, nullptr);
  if (code->re == nullptr) {
    *err = "invalid regular expression \"" + pattern + "\": " + (why ? why : "error") +
           " at character " + std::to_string(offset + 1);
    return false;
  }
  int jit = 0;
  pcre_config(PCRE_CONFIG_JIT, &jit);
  code->extra = pcre_study(code->re, jit ? PCRE_STUDY_JIT_COMPILE : 0, &why);
  if (code->extra == nullptr) {
    code->extra = static_cast<pcre_extra*>(pcre_malloc(sizeof(pcre_extra)));
    if (code->extra == nullptr) {
      *err = "out of memory compiling a regular expression";
      return false;
    }
    *code->extra = pcre_extra{};
  }
  code->extra->flags |= PCRE_EXTRA_MATCH_LIMIT | PCRE_EXTRA_MATCH_LIMIT_RECURSION;
  code->extra->match_limit = kMatchLimit;
  code->extra->match_limit_recursion = kRecursionLimit;
  pcre_fullinfo(code->re, code->extra, PCRE_INFO_CAPTURECOUNT, &code->groups);
  code_ = std::move(code);
  pattern_ = pattern;
  return true;
}

bool Regex::Search(std::string_view text, std::string_view* match) const {
  if (code_ == nullptr || text.size() > static_cast<size_t>(INT_MAX)) return false;
  int ovector[6];
  const int rc = pcre_exec(code_->re, code_->extra, text.data(), static_cast<int>(text.size()), 0,
                           0, ovector, 6);
  // rc < 0: no match, or a limit was hit (treated as no match); rc == 0: ovector too small,
  // which cannot happen for groups 0 and 1.
  if (rc < 0) return false;
  if (match != nullptr) {
    const int g = code_->groups > 0 ? 1 : 0;
    if (rc <= g || ovector[2 * g] < 0) {
      *match = std::string_view();
    } else {
      *match = text.substr(static_cast<size_t>(ovector[2 * g]),
                           static_cast<size_t>(ovector[2 * g + 1] - ovector[2 * g]));
    }
  }
  return true;
}

}  // namespace sp::http
