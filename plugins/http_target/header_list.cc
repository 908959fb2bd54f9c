#include "plugins/http_target/header_list.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "lib/http1/syntax.h"

namespace sp::http {

bool ParseHeaders(std::string_view json, const std::string& option, const std::string& pointer,
                  HeaderList* out, OptionError* err) {
  const nlohmann::ordered_json doc = nlohmann::ordered_json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    *err = {"headers must be a map of header name to value (e.g. X-Request-Source: stressplan)",
            option, pointer};
    return false;
  }
  out->clear();
  for (const auto& [name, value] : doc.items()) {
    const std::string where = pointer + "/" + JsonPointerToken(name);
    if (!http1::IsToken(name)) {
      *err = {"header name \"" + name + "\" is not a valid HTTP field name (letters, digits and "
              "!#$%&'*+-.^_`|~ only)", option, where};
      return false;
    }
    if (http1::IEquals(name, "content-length") || http1::IEquals(name, "transfer-encoding")) {
      *err = {"header " + name + " is set by the http target from `body`; remove it", option,
              where};
      return false;
    }
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_number_integer() || value.is_boolean()) {
      text = value.dump();
    } else {
      *err = {"header " + name + " must have a string value; quote it in the plan", option, where};
      return false;
    }
    if (!http1::IsFieldValue(text)) {
      *err = {"header " + name + " value contains a line break or control character", option,
              where};
      return false;
    }
    out->push_back({name, std::string(http1::TrimOws(text))});
  }
  return true;
}

void OverlayHeaders(HeaderList* base, const HeaderList& layer) {
  std::erase_if(*base, [&](const Header& h) { return FindHeader(layer, h.name) != nullptr; });
  base->insert(base->end(), layer.begin(), layer.end());
}

const Header* FindHeader(const HeaderList& headers, std::string_view name) {
  const auto it = std::find_if(headers.begin(), headers.end(),
                               [&](const Header& h) { return http1::IEquals(h.name, name); });
  return it == headers.end() ? nullptr : &*it;
}

}  // namespace sp::http
