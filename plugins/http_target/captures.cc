#include "plugins/http_target/captures.h"

#include <nlohmann/json.hpp>

#include "plugins/http_target/body_capture.h"
#include "lib/cookies/jar.h"
#include "plugins/http_target/header_list.h"
#include "lib/http1/syntax.h"
#include "plugins/http_target/template.h"

namespace sp::http {
namespace {

using nlohmann::json;

bool Fail(OptionError* err, std::string message, const std::string& option, std::string pointer) {
  *err = {std::move(message), option, std::move(pointer)};
  return false;
}

bool IsCaptureName(const std::string& name) {
  if (name.empty()) return false;
  const auto start = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!start(name[0])) return false;
  for (char c : name) {
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

// One capture's map, {json | header [+ regex] | cookie [+ regex] | regex, default?}, into *c
// (named already). `at` is the map's JSON pointer.
bool ParseCaptureSource(const std::string& name, const json& spec, const std::string& option,
                        const std::string& at, Capture* c, OptionError* err) {
  bool has_json = false, has_header = false, has_cookie = false, has_regex = false;
  for (const auto& [key, v] : spec.items()) {
    const std::string where = at + "/" + JsonPointerToken(key);
    std::string why;
    if (key == "json") {
      if (!v.is_string())
        return Fail(err, "json must be a path such as $.token or /token", option, where);
      if (!c->path.Parse(v.get<std::string>(), &why))
        return Fail(err, "JSON path " + why, option, where);
      has_json = true;
    } else if (key == "header") {
      if (!v.is_string() || !http1::IsToken(v.get<std::string>())) {
        return Fail(err, "header must be an HTTP field name such as X-Request-Id", option, where);
      }
      c->header = v.get<std::string>();
      has_header = true;
    } else if (key == "cookie") {
      if (!v.is_string() || !http1::IsToken(v.get<std::string>())) {
        return Fail(err, "cookie must be a cookie name such as sid", option, where);
      }
      c->cookie = v.get<std::string>();
      has_cookie = true;
    } else if (key == "regex") {
      if (!v.is_string())
        return Fail(err, "regex must be a regular expression (text)", option, where);
      if (!c->regex.Compile(v.get<std::string>(), &why)) return Fail(err, why, option, where);
      has_regex = true;
    } else if (key == "default") {
      if (v.is_string()) {
        c->default_value = v.get<std::string>();
      } else if (v.is_number() || v.is_boolean()) {
        c->default_value = v.dump();
      } else {
        return Fail(err, "default must be text (or a number)", option, where);
      }
    } else {
      return Fail(err,
                  "unknown key \"" + key + "\" in capture " + name +
                      "; known keys: json, header, cookie, regex, default",
                  option, where);
    }
  }
  if ((has_json && (has_header || has_cookie || has_regex)) || (has_header && has_cookie)) {
    return Fail(err,
                "capture " + name +
                    " takes json alone, header or cookie (with an optional regex), "
                    "or regex alone (on the body)",
                option, at);
  }
  if (!has_json && !has_header && !has_cookie && !has_regex) {
    return Fail(err, "capture " + name + " needs a source: json, header, cookie or regex", option,
                at);
  }
  c->source = has_json     ? Capture::Source::kJson
              : has_header ? Capture::Source::kHeader
              : has_cookie ? Capture::Source::kCookie
                           : Capture::Source::kBody;
  return true;
}

}  // namespace

bool ParseCaptures(const json& value, const std::string& option, const std::string& pointer,
                   std::vector<Capture>* out, OptionError* err) {
  if (!value.is_object()) {
    return Fail(err, "capture must be a map of name to source, e.g. {token: {json: $.token}}",
                option, pointer);
  }
  for (const auto& [name, spec] : value.items()) {
    const std::string at = pointer + "/" + JsonPointerToken(name);
    if (!IsCaptureName(name)) {
      return Fail(err,
                  "capture name \"" + name +
                      "\" must be letters, digits and _ (not starting "
                      "with a digit), so templates can use it as {{ " +
                      name + " }}",
                  option, at);
    }
    if (IsReservedTemplateName(name)) {
      return Fail(err,
                  "capture name \"" + name + "\" is a built-in template value; pick another name",
                  option, at);
    }
    if (!spec.is_object()) {
      return Fail(err,
                  "capture " + name +
                      " must be a map: {json: $.path}, {header: Name}, "
                      "{header: Name, regex: re}, {cookie: name} or {regex: re}",
                  option, at);
    }
    Capture c;
    c.name = name;
    if (!ParseCaptureSource(name, spec, option, at, &c, err)) return false;
    out->push_back(std::move(c));
  }
  return true;
}

// The whole of `value`, or the regex's match in it when there is a regex.
bool Capture::FromText(std::string_view value, std::string* out) const {
  std::string_view match = value;
  if (!regex.empty() && !regex.Search(value, &match)) return false;
  out->assign(match);
  return true;
}

bool Capture::Extract(const ResponseView& r, std::string* out) const {
  switch (source) {
    case Source::kJson: {
      if (r.json == nullptr) return false;
      const json* found = path.Find(*r.json);
      if (found == nullptr) return false;
      *out = jsonpath::ValueText(*found);
      return true;
    }
    case Source::kHeader: {
      const std::string* value = r.tap ? r.tap->Header(header) : nullptr;
      return value != nullptr && FromText(*value, out);
    }
    case Source::kBody: return r.tap != nullptr && FromText(r.tap->body(), out);
    case Source::kCookie: {
      const std::optional<std::string_view> value =
          r.jar != nullptr ? r.jar->FindLatest(cookie, r.now_s) : std::nullopt;
      return value.has_value() && FromText(*value, out);
    }
  }
  return false;
}

}  // namespace sp::http
