#include "plugins/http_target/form_body.h"

#include <nlohmann/json.hpp>

#include "lib/http_body/form.h"
#include "plugins/http_target/header_list.h"

namespace sp::http {
namespace {

using Json = nlohmann::ordered_json;  // the plan's order of fields

// Encodes `value`'s literal text and turns each {{ expr }} into {{ expr | form }}.
void AppendFormValue(std::string_view value, std::string* out) {
  size_t at = 0;
  while (at < value.size()) {
    const size_t open = value.find("{{", at);
    const size_t close = open == std::string_view::npos ? open : value.find("}}", open + 2);
    if (close == std::string_view::npos) {  // no (complete) markup left: literal text
      http_body::AppendFormEncoded(value.substr(at), out);
      return;
    }
    http_body::AppendFormEncoded(value.substr(at, open - at), out);
    std::string_view markup = value.substr(open, close - open);  // "{{ expr "
    while (markup.size() > 2 && (markup.back() == ' ' || markup.back() == '\t')) {
      markup.remove_suffix(1);
    }
    out->append(markup).append(" | form }}");
    at = close + 2;
  }
}

// A scalar field value as text; false for objects (and lists inside lists).
bool ScalarText(const Json& v, std::string* out) {
  if (v.is_string()) {
    *out = v.get<std::string>();
  } else if (v.is_null()) {
    out->clear();
  } else if (v.is_number() || v.is_boolean()) {
    *out = v.dump();
  } else {
    return false;
  }
  return true;
}

}  // namespace

bool FormBodyText(std::string_view form, const std::string& option, std::string* body,
                  OptionError* err) {
  const Json doc = Json::parse(form, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    *err = {"form must be a map of field name to value, e.g. {user: ann, remember: true}", option,
            "/form"};
    return false;
  }
  body->clear();
  std::string text;
  for (const auto& [name, value] : doc.items()) {
    const std::string at = "/form/" + JsonPointerToken(name);
    if (name.find("{{") != std::string::npos) {
      *err = {"a form field's name cannot use {{ }} templates (its value can)", option, at};
      return false;
    }
    const bool list = value.is_array();
    const size_t count = list ? value.size() : 1;
    for (size_t i = 0; i < count; ++i) {
      if (!ScalarText(list ? value[i] : value, &text)) {
        *err = {"form field " + name + " must be text, a number, a boolean or a list of those",
                option, list ? at + "/" + std::to_string(i) : at};
        return false;
      }
      if (!body->empty()) body->push_back('&');
      http_body::AppendFormEncoded(name, body);
      body->push_back('=');
      AppendFormValue(text, body);
    }
  }
  return true;
}

}  // namespace sp::http
