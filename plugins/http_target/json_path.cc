#include "plugins/http_target/json_path.h"

#include <nlohmann/json.hpp>

namespace sp::http {
namespace {

bool parse_pointer(std::string_view text, std::vector<std::string>* tokens, std::string* err) {
  // "" is the whole document; otherwise "/" separated tokens with ~0 = ~ and ~1 = /.
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t next = text.find('/', pos + 1);
    const std::string_view raw =
        text.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token += raw[i];
      } else if (i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        *err = "JSON pointer \"" + std::string(text) + "\" has a '~' not followed by 0 or 1 "
               "(write ~0 for ~ and ~1 for /)";
        return false;
      }
    }
    tokens->push_back(std::move(token));
    if (next == std::string_view::npos) break;
    pos = next;
  }
  return true;
}

bool parse_dollar_path(std::string_view text, std::vector<std::string>* tokens, std::string* err) {
  const auto bad = [&](const std::string& why) {
    *err = "JSON path \"" + std::string(text) + "\": " + why +
           " (write $.a.b, $.items[0] or $['key'], or a JSON pointer /a/b)";
    return false;
  };
  size_t i = 1;  // after '$'
  while (i < text.size()) {
    if (text[i] == '.') {
      const size_t start = ++i;
      while (i < text.size() && text[i] != '.' && text[i] != '[') ++i;
      if (i == start) return bad("empty name after '.'");
      tokens->emplace_back(text.substr(start, i - start));
    } else if (text[i] == '[') {
      ++i;
      if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
        const char quote = text[i++];
        std::string name;
        while (i < text.size() && text[i] != quote) {
          if (text[i] == '\\' && i + 1 < text.size()) ++i;
          name += text[i++];
        }
        if (i + 1 >= text.size() || text[i + 1] != ']') return bad("unterminated ['...']");
        i += 2;
        tokens->push_back(std::move(name));
      } else {
        const size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        if (i == start || i >= text.size() || text[i] != ']') {
          return bad("expected an index like [0] or a quoted key like ['name']");
        }
        tokens->emplace_back(text.substr(start, i - start));
        ++i;
      }
    } else {
      return bad("unexpected '" + std::string(1, text[i]) + "'");
    }
  }
  return true;
}

}  // namespace

bool JsonPath::parse(std::string_view text, std::string* err) {
  tokens_.clear();
  text_ = std::string(text);
  if (text.empty() || text.front() == '/') return parse_pointer(text, &tokens_, err);
  if (text.front() == '$') return parse_dollar_path(text, &tokens_, err);
  *err = "JSON path \"" + std::string(text) + "\" must start with '$' ($.a.b) or '/' (a JSON "
         "pointer such as /a/b)";
  return false;
}

const nlohmann::json* JsonPath::find(const nlohmann::json& doc) const {
  const nlohmann::json* at = &doc;
  for (const std::string& token : tokens_) {
    if (at->is_object()) {
      const auto it = at->find(token);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return nullptr;
      size_t index = 0;
      for (char c : token) {
        if (c < '0' || c > '9') return nullptr;
        index = index * 10 + static_cast<size_t>(c - '0');
      }
      if (index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else {
      return nullptr;
    }
  }
  return at;
}

std::string json_value_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>();
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sp::http
