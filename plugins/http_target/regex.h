// Regular expressions for checks, captures and rules: PCRE (Perl syntax), compiled once at
// create and searched on response bytes by every worker at once.
//
// PCRE rather than std::regex: libstdc++'s matcher recurses once per input character and
// overflows the stack on a large body, while PCRE bounds its work (match and recursion limits,
// or the JIT's own stack) and simply reports no match when a pattern runs away.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace sp::http {

class Regex {
 public:
  // Compiles `pattern` (PCRE syntax, bytes not UTF-8 code points). On failure *err says why and
  // at which character.
  bool Compile(const std::string& pattern, std::string* err);

  // Searches `text` anywhere (anchor with ^ and $). On a match sets *match to the first capture
  // group when the pattern has one (an empty view if that group did not take part), else to the
  // whole match. Safe to call from several threads at once.
  bool Search(std::string_view text, std::string_view* match = nullptr) const;

  bool empty() const { return code_ == nullptr; }
  const std::string& pattern() const { return pattern_; }

 private:
  struct Code;
  std::shared_ptr<const Code> code_;
  std::string pattern_;
};

}  // namespace sp::http
