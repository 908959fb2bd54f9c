#include "plugins/http_target/checks.h"

#include <nlohmann/json.hpp>

#include "plugins/http_target/body_capture.h"
#include "plugins/http_target/header_list.h"
#include "lib/http1/syntax.h"

namespace sp::http {
namespace {

using nlohmann::json;

constexpr size_t kShownText = 60;

// `text` quoted for a name or message, shortened when long.
std::string Shown(std::string_view text) {
  std::string out = "\"";
  out.append(text.substr(0, kShownText));
  if (text.size() > kShownText) out += "...";
  return out + "\"";
}

std::string ShownJson(const json& v) {
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kShownText) text = text.substr(0, kShownText) + "...";
  return text;
}

bool Fail(OptionError* err, std::string message, const std::string& option, std::string pointer) {
  *err = {std::move(message), option, std::move(pointer)};
  return false;
}

// A status code (200 or "200") or class ("2xx") as an inclusive range.
bool StatusItem(const json& v, std::pair<int, int>* range, std::string* text) {
  if (v.is_number_integer()) {
    const auto n = v.get<int64_t>();
    if (n < 100 || n > 999) return false;
    *range = {static_cast<int>(n), static_cast<int>(n)};
    *text = std::to_string(n);
    return true;
  }
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() != 3 || s[0] < '1' || s[0] > '9') return false;
  if ((s[1] == 'x' || s[1] == 'X') && (s[2] == 'x' || s[2] == 'X')) {
    const int c = s[0] - '0';
    *range = {c * 100, c * 100 + 99};
    *text = std::string(1, s[0]) + "xx";
    return true;
  }
  if (s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') return false;
  const int n = std::stoi(s);
  *range = {n, n};
  *text = s;
  return true;
}

bool ParseStatus(const json& v, const std::string& option, const std::string& pointer,
                 Condition* out, OptionError* err) {
  static const char* kForms =
      "status must be a code (200), a class (\"2xx\"), a list of those ([200, 201]) or a range "
      "({min: 200, max: 299}) with codes from 100 to 999";
  std::pair<int, int> range;
  std::string text;
  if (StatusItem(v, &range, &text)) {
    out->status = {range};
    out->description = "status is " + text;
    return true;
  }
  if (v.is_array()) {
    if (v.empty())
      return Fail(err, "status list is empty; " + std::string(kForms), option, pointer);
    std::string list;
    for (size_t i = 0; i < v.size(); ++i) {
      if (!StatusItem(v[i], &range, &text)) {
        return Fail(err, kForms, option, pointer + "/" + std::to_string(i));
      }
      out->status.push_back(range);
      list += (i ? ", " : "") + text;
    }
    out->description = v.size() == 1 ? "status is " + list : "status in [" + list + "]";
    return true;
  }
  if (v.is_object()) {
    for (const auto& [key, item] : v.items()) {
      if (key != "min" && key != "max") {
        return Fail(err, "unknown key \"" + key + "\" in a status range; use min and max", option,
                    pointer + "/" + JsonPointerToken(key));
      }
    }
    int bounds[2];
    const char* names[2] = {"min", "max"};
    for (int k = 0; k < 2; ++k) {
      const auto it = v.find(names[k]);
      if (it == v.end()) {
        return Fail(err, std::string("status range needs ") + names[k] + " ({min: 200, max: 299})",
                    option, pointer);
      }
      if (!it->is_number_integer() || it->get<int64_t>() < 100 || it->get<int64_t>() > 999) {
        return Fail(err,
                    std::string("status range ") + names[k] + " must be a code from 100 to 999",
                    option, pointer + "/" + names[k]);
      }
      bounds[k] = it->get<int>();
    }
    if (bounds[0] > bounds[1]) {
      return Fail(err, "status range min must not exceed max", option, pointer + "/min");
    }
    out->status = {{bounds[0], bounds[1]}};
    out->description = "status in " + std::to_string(bounds[0]) + ".." + std::to_string(bounds[1]);
    return true;
  }
  return Fail(err, kForms, option, pointer);
}

// A scalar compared as text: strings as they are, numbers and booleans as written.
bool ScalarText(const json& v, std::string* out) {
  if (v.is_string()) {
    *out = v.get<std::string>();
    return true;
  }
  if (v.is_number_integer() || v.is_boolean()) {
    *out = v.dump();
    return true;
  }
  return false;
}

bool ParseHeader(const json& v, const std::string& option, const std::string& pointer,
                 Condition* out, OptionError* err) {
  if (!v.is_object()) {
    return Fail(err, "header must be a map: {name: X-Name, equals|contains|matches: text}", option,
                pointer);
  }
  int ops = 0;
  for (const auto& [key, item] : v.items()) {
    const std::string where = pointer + "/" + JsonPointerToken(key);
    if (key == "name") {
      if (!item.is_string() || !http1::IsToken(item.get<std::string>())) {
        return Fail(err, "header name must be an HTTP field name such as X-Request-Id", option,
                    where);
      }
      out->header = item.get<std::string>();
    } else if (key == "equals" || key == "contains" || key == "matches") {
      if (++ops > 1) {
        return Fail(err, "header takes one of equals, contains or matches, not several", option,
                    where);
      }
      if (!ScalarText(item, &out->text)) {
        return Fail(err, "header " + key + " must be text; quote it in the plan", option, where);
      }
      if (key == "equals") {
        out->op = Condition::Op::kEquals;
      } else if (key == "contains") {
        out->op = Condition::Op::kContains;
      } else {
        out->op = Condition::Op::kMatches;
        std::string why;
        if (!out->regex.Compile(out->text, &why)) return Fail(err, why, option, where);
      }
    } else {
      return Fail(
          err, "unknown key \"" + key + "\" in header; known keys: name, equals, contains, matches",
          option, where);
    }
  }
  if (out->header.empty()) {
    return Fail(err, "header needs a name: {name: X-Name, equals: text}", option, pointer);
  }
  switch (out->op) {
    case Condition::Op::kPresent: out->description = "header " + out->header + " is present"; break;
    case Condition::Op::kEquals:
      out->description = "header " + out->header + " equals " + Shown(out->text);
      break;
    case Condition::Op::kContains:
      out->description = "header " + out->header + " contains " + Shown(out->text);
      break;
    case Condition::Op::kMatches:
      out->description = "header " + out->header + " matches " + Shown(out->text);
      break;
  }
  return true;
}

bool ParseJsonCondition(const json& v, const std::string& option, const std::string& pointer,
                        Condition* out, OptionError* err) {
  if (!v.is_object()) {
    return Fail(
        err, "json must be a map: {path: $.a.b, equals: value} (without equals: the path exists)",
        option, pointer);
  }
  bool has_path = false;
  for (const auto& [key, item] : v.items()) {
    const std::string where = pointer + "/" + JsonPointerToken(key);
    if (key == "path") {
      std::string why;
      if (!item.is_string())
        return Fail(err, "json path must be text such as $.ok or /ok", option, where);
      if (!out->path.Parse(item.get<std::string>(), &why)) {
        return Fail(err, "JSON path " + why, option, where);
      }
      has_path = true;
    } else if (key == "equals") {
      out->expected = std::make_shared<const json>(item);
    } else {
      return Fail(err, "unknown key \"" + key + "\" in json; known keys: path, equals", option,
                  where);
    }
  }
  if (!has_path) return Fail(err, "json needs a path: {path: $.ok, equals: true}", option, pointer);
  out->description = "json " + out->path.text() +
                     (out->expected ? " equals " + ShownJson(*out->expected) : " exists");
  return true;
}

}  // namespace

bool IsConditionKey(std::string_view key) {
  return key == "status" || key == "header" || key == "body_contains" || key == "body_matches" ||
         key == "json";
}

bool ParseCondition(std::string_view key, const json& value, const std::string& option,
                    const std::string& pointer, Condition* out, OptionError* err) {
  if (key == "status") {
    out->kind = Condition::Kind::kStatus;
    return ParseStatus(value, option, pointer, out, err);
  }
  if (key == "header") {
    out->kind = Condition::Kind::kHeader;
    return ParseHeader(value, option, pointer, out, err);
  }
  if (key == "body_contains") {
    out->kind = Condition::Kind::kBodyContains;
    if (!ScalarText(value, &out->text) || out->text.empty()) {
      return Fail(err, "body_contains must be non-empty text", option, pointer);
    }
    out->description = "body contains " + Shown(out->text);
    return true;
  }
  if (key == "body_matches") {
    out->kind = Condition::Kind::kBodyMatches;
    if (!value.is_string())
      return Fail(err, "body_matches must be a regular expression (text)", option, pointer);
    out->text = value.get<std::string>();
    std::string why;
    if (!out->regex.Compile(out->text, &why)) return Fail(err, why, option, pointer);
    out->description = "body matches " + Shown(out->text);
    return true;
  }
  if (key == "json") {
    out->kind = Condition::Kind::kJson;
    return ParseJsonCondition(value, option, pointer, out, err);
  }
  return Fail(err, "unknown condition \"" + std::string(key) + "\"", option, pointer);
}

bool Condition::Test(const ResponseView& r, std::string* why) const {
  switch (kind) {
    case Kind::kStatus:
      for (const auto& [lo, hi] : status) {
        if (r.status >= lo && r.status <= hi) return true;
      }
      if (why) *why = "status " + std::to_string(r.status);
      return false;
    case Kind::kHeader: {
      const std::string* value = r.tap ? r.tap->Header(header) : nullptr;
      if (value == nullptr) {
        if (why) *why = "no " + header + " header";
        return false;
      }
      bool ok = true;
      switch (op) {
        case Op::kPresent: break;
        case Op::kEquals: ok = *value == text; break;
        case Op::kContains: ok = value->find(text) != std::string::npos; break;
        case Op::kMatches: ok = regex.Search(*value); break;
      }
      if (!ok && why) *why = header + " is " + Shown(*value);
      return ok;
    }
    case Kind::kBodyContains: {
      const bool ok = r.tap && r.tap->body().find(text) != std::string_view::npos;
      if (!ok && why) *why = "not in the body";
      return ok;
    }
    case Kind::kBodyMatches: {
      const bool ok = r.tap && regex.Search(r.tap->body());
      if (!ok && why) *why = "no match in the body";
      return ok;
    }
    case Kind::kJson: {
      if (r.json == nullptr) {
        if (why) *why = "the body is not JSON";
        return false;
      }
      const json* found = path.Find(*r.json);
      if (found == nullptr) {
        if (why) *why = path.text() + " not found";
        return false;
      }
      if (expected && *found != *expected) {
        if (why) *why = path.text() + " is " + ShownJson(*found);
        return false;
      }
      return true;
    }
  }
  return false;
}

bool ParseChecks(const json& value, const std::string& option, const std::string& pointer,
                 std::vector<Check>* out, OptionError* err) {
  if (!value.is_array()) {
    return Fail(err,
                "checks must be a list, e.g. [{status: 200}, {json: {path: $.ok, equals: true}}]",
                option, pointer);
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const json& item = value[i];
    const std::string at = pointer + "/" + std::to_string(i);
    if (!item.is_object()) {
      return Fail(err, "each check must be a map such as {status: 200} or {body_contains: ok}",
                  option, at);
    }
    Check check;
    std::string condition_key;
    for (const auto& [key, v] : item.items()) {
      const std::string where = at + "/" + JsonPointerToken(key);
      if (key == "name") {
        if (!v.is_string() || v.get<std::string>().empty()) {
          return Fail(err, "check name must be non-empty text", option, where);
        }
        check.name = v.get<std::string>();
      } else if (IsConditionKey(key)) {
        if (!condition_key.empty()) {
          return Fail(err,
                      "a check tests one thing: it has both " + condition_key + " and " + key +
                          "; split it into two checks",
                      option, where);
        }
        condition_key = key;
        if (!ParseCondition(key, v, option, where, &check.condition, err)) return false;
      } else {
        return Fail(err,
                    "unknown key \"" + key +
                        "\" in a check; a check has an optional name and "
                        "one of status, header, body_contains, body_matches, json",
                    option, where);
      }
    }
    if (condition_key.empty()) {
      return Fail(err,
                  "check has nothing to test: add one of status, header, body_contains, "
                  "body_matches, json",
                  option, at);
    }
    if (check.name.empty()) check.name = check.condition.description;
    out->push_back(std::move(check));
  }
  return true;
}

}  // namespace sp::http
