#include "core/run/redact.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace sp::run {
namespace {

void RedactHeaders(nlohmann::json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "headers" && it->is_object()) {
        for (auto h = it->begin(); h != it->end(); ++h) {
          if (IsSensitiveHeader(h.key())) *h = kRedacted;
        }
      } else {
        RedactHeaders(*it);
      }
    }
  } else if (j.is_array()) {
    for (auto& item : j) RedactHeaders(item);
  }
}

std::string ReplaceAll(std::string text, const std::vector<std::string>& needles) {
  for (const auto& needle : needles) {
    size_t pos = 0;
    while ((pos = text.find(needle, pos)) != std::string::npos) {
      text.replace(pos, needle.size(), kRedacted);
      pos += std::char_traits<char>::length(kRedacted);
    }
  }
  return text;
}

// Only strings (values and keys) are touched, so a secret that looks like a number or
// `true` cannot break the document.
nlohmann::json RedactStrings(const nlohmann::json& j, const std::vector<std::string>& needles) {
  if (j.is_string()) return ReplaceAll(j.get<std::string>(), needles);
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : j) out.push_back(RedactStrings(item, needles));
    return out;
  }
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      out[ReplaceAll(it.key(), needles)] = RedactStrings(*it, needles);
    }
    return out;
  }
  return j;
}

}  // namespace

Redactor::Redactor(const std::vector<std::string>& secret_values) {
  for (const auto& v : secret_values) {
    if (v.empty()) continue;
    needles_.push_back(v);
  }
  std::sort(needles_.begin(), needles_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::Apply(std::string text) const {
  if (needles_.empty()) return text;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return ReplaceAll(std::move(text), needles_);
  return RedactStrings(j, needles_).dump();
}

bool IsSensitiveHeader(const std::string& name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const char* word : {"authorization", "cookie", "token", "secret", "password", "passwd",
                           "api-key", "api_key", "apikey", "session", "auth"}) {
    if (n.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string RedactHeadersInJson(const std::string& json_text) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return json_text;
  RedactHeaders(j);
  return j.dump();
}

}  // namespace sp::run
