#include "plugins/http_target/multipart_body.h"

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugins/http_target/header_list.h"

namespace sp::http {
namespace {

using Json = nlohmann::ordered_json;  // the plan's order of fields

constexpr const char* kValueForms =
    "text, a number, a boolean, {file: path, filename?: name, content_type?: type} or a list "
    "of those";

bool HasMarkup(std::string_view text) { return text.find("{{") != std::string_view::npos; }

bool RefuseMarkup(std::string_view text, const std::string& option, const std::string& at,
                  OptionError* err) {
  if (!HasMarkup(text)) return true;
  *err = {
      "multipart fields are sent as written: {{ }} templates are not supported in their "
      "names, values or file paths (use body or form for a templated body)",
      option, at};
  return false;
}

// A file part: {file, filename?, content_type?}; every value a string.
bool FilePart(const std::string& name, const Json& spec, const std::string& base_dir,
              const std::string& option, const std::string& at, http_body::MultipartPart* out,
              OptionError* err) {
  std::string fields[3];  // file, filename, content_type
  static const char* const kKeys[3] = {"file", "filename", "content_type"};
  for (const auto& [key, value] : spec.items()) {
    int k = 0;
    while (k < 3 && key != kKeys[k]) ++k;
    const std::string key_at = at + "/" + JsonPointerToken(key);
    if (k == 3) {
      *err = {"unknown key \"" + key + "\" in a multipart file (file, filename, content_type)",
              option, key_at};
      return false;
    }
    if (!value.is_string() || value.get<std::string>().empty()) {
      *err = {"multipart file " + std::string(kKeys[k]) + " must be non-empty text", option,
              key_at};
      return false;
    }
    fields[k] = value.get<std::string>();
    if (!RefuseMarkup(fields[k], option, key_at, err)) return false;
  }
  if (fields[0].empty()) {
    *err = {"a multipart file needs `file`, its path: {file: uploads/cat.png}", option, at};
    return false;
  }
  std::filesystem::path path(fields[0]);
  if (path.is_relative()) path = std::filesystem::path(base_dir) / path;
  *out =
      http_body::MultipartPart::File(name, path.lexically_normal().string(), fields[1], fields[2]);
  return true;
}

// One value of field `name` (not a list) as a part.
bool Part(const std::string& name, const Json& value, const std::string& base_dir,
          const std::string& option, const std::string& at, http_body::MultipartPart* out,
          OptionError* err) {
  if (value.is_object()) return FilePart(name, value, base_dir, option, at, out, err);
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number() || value.is_boolean()) {
    text = value.dump();
  } else if (!value.is_null()) {
    *err = {"multipart field " + name + " must be " + kValueForms, option, at};
    return false;
  }
  if (!RefuseMarkup(text, option, at, err)) return false;
  *out = http_body::MultipartPart::Text(name, std::move(text));
  return true;
}

// The index of the part a MultipartLayout::Build error names ("multipart part 2 ..." counts
// from 1), so the error can point at its field; SIZE_MAX when the message names none.
size_t PartIndexIn(const std::string& message) {
  static const std::string kPrefix = "multipart part ";
  if (message.compare(0, kPrefix.size(), kPrefix) != 0) return SIZE_MAX;
  size_t index = 0;
  size_t at = kPrefix.size();
  if (at >= message.size() || message[at] < '0' || message[at] > '9') return SIZE_MAX;
  while (at < message.size() && message[at] >= '0' && message[at] <= '9') {
    index = index * 10 + static_cast<size_t>(message[at++] - '0');
  }
  return index >= 1 ? index - 1 : SIZE_MAX;
}

}  // namespace

bool MultipartBodyLayout(std::string_view multipart, const std::string& base_dir,
                         const std::string& option,
                         std::shared_ptr<const http_body::MultipartLayout>* out, OptionError* err) {
  const Json doc = Json::parse(multipart, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || doc.empty()) {
    *err = {
        "multipart must be a map of field name to value, e.g. {title: cat, photo: {file: "
        "cat.png}}",
        option, "/multipart"};
    return false;
  }
  std::vector<http_body::MultipartPart> parts;
  std::vector<std::string> pointers;  // each part's JSON pointer, for Build's errors
  for (const auto& [name, value] : doc.items()) {
    const std::string at = "/multipart/" + JsonPointerToken(name);
    if (!RefuseMarkup(name, option, at, err)) return false;
    const bool list = value.is_array();
    const size_t count = list ? value.size() : 1;
    for (size_t i = 0; i < count; ++i) {
      const std::string item_at = list ? at + "/" + std::to_string(i) : at;
      http_body::MultipartPart part;
      if (!Part(name, list ? value[i] : value, base_dir, option, item_at, &part, err)) {
        return false;
      }
      parts.push_back(std::move(part));
      pointers.push_back(item_at);
    }
  }
  auto layout = std::make_shared<http_body::MultipartLayout>();
  std::string why;
  if (!http_body::MultipartLayout::Build(std::move(parts), layout.get(), &why)) {
    const size_t index = PartIndexIn(why);
    *err = {why, option, index < pointers.size() ? pointers[index] + "/file" : "/multipart"};
    return false;
  }
  *out = std::move(layout);
  return true;
}

}  // namespace sp::http
