#include "lib/jsonpath/json_path.h"

#include <nlohmann/json.hpp>

namespace sp::jsonpath {
namespace {

// Fills *err for Parse: the path quoted, the problem, the 1-based column where it is, a hint.
bool Fail(std::string_view text, const std::string& what, size_t index, std::string* err,
          const char* hint = "") {
  *err = "'" + std::string(text) + "': " + what + " at column " + std::to_string(index + 1) + hint;
  return false;
}

bool ParsePointer(std::string_view text, std::vector<std::string>* tokens, std::string* err) {
  size_t pos = 0;  // at a '/'
  while (pos < text.size()) {
    std::string token;
    size_t i = pos + 1;
    for (; i < text.size() && text[i] != '/'; ++i) {
      if (text[i] != '~') {
        token += text[i];
      } else if (i + 1 < text.size() && (text[i + 1] == '0' || text[i + 1] == '1')) {
        token += text[++i] == '0' ? '~' : '/';
      } else {
        return Fail(text, "'~' not followed by 0 or 1", i, err, " (write ~0 for ~ and ~1 for /)");
      }
    }
    tokens->push_back(std::move(token));
    pos = i;
  }
  return true;
}

// A quoted key from text[*i] (the quote) up to its closing "']"; *i ends after the ']'.
bool ParseQuotedKey(std::string_view text, size_t open, size_t* i, std::string* key,
                    std::string* err) {
  const char quote = text[(*i)++];
  while (*i < text.size() && text[*i] != quote) {
    if (text[*i] == '\\' && *i + 1 < text.size()) ++*i;
    *key += text[(*i)++];
  }
  if (*i >= text.size()) return Fail(text, "unterminated quoted key", open, err);
  if (*i + 1 >= text.size() || text[*i + 1] != ']') {
    return Fail(text, "expected ']' after the quoted key", *i + 1, err);
  }
  *i += 2;
  return true;
}

bool ParseDollarPath(std::string_view text, std::vector<std::string>* tokens, std::string* err) {
  size_t i = 1;  // after '$'
  while (i < text.size()) {
    if (text[i] == '.') {
      const size_t start = ++i;
      while (i < text.size() && text[i] != '.' && text[i] != '[') ++i;
      if (i == start) return Fail(text, "expected a key after '.'", start, err);
      tokens->emplace_back(text.substr(start, i - start));
    } else if (text[i] == '[') {
      const size_t open = i++;
      if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
        std::string key;
        if (!ParseQuotedKey(text, open, &i, &key, err)) return false;
        tokens->push_back(std::move(key));
      } else {
        const size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        if (i == start || i >= text.size() || text[i] != ']') {
          return Fail(text, "expected an array index like [0] or a quoted key like ['a']", open,
                      err);
        }
        tokens->emplace_back(text.substr(start, i - start));
        ++i;
      }
    } else {
      return Fail(text, std::string("expected '.' or '[', found '") + text[i] + "'", i, err);
    }
  }
  return true;
}

// An array index token: decimal, no leading zero, at most 18 digits; else -1.
long long ArrayIndex(const std::string& token) {
  if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return -1;
  long long index = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return -1;
    index = index * 10 + (c - '0');
  }
  return index;
}

}  // namespace

bool JsonPath::Parse(std::string_view text, std::string* err) {
  tokens_.clear();
  text_ = std::string(text);
  if (text.empty() || text.front() == '/') return ParsePointer(text, &tokens_, err);
  if (text.front() == '$') return ParseDollarPath(text, &tokens_, err);
  *err = "'" + std::string(text) + "' must start with '$' (like $.a.b[0]) or '/' (a JSON pointer "
         "like /a/b/0)";
  return false;
}

const nlohmann::json* JsonPath::Find(const nlohmann::json& doc) const {
  const nlohmann::json* at = &doc;
  for (const std::string& token : tokens_) {
    if (at->is_object()) {
      const auto it = at->find(token);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      const long long index = ArrayIndex(token);
      if (index < 0 || static_cast<size_t>(index) >= at->size()) return nullptr;
      at = &(*at)[static_cast<size_t>(index)];
    } else {
      return nullptr;
    }
  }
  return at;
}

std::string ValueText(const nlohmann::json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>();
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sp::jsonpath
