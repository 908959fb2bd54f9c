// Keeping secrets out of reports. Every document goes through a Redactor before any reporter
// sees it: the values of the plan's `secrets:` variables are replaced wherever they appear
// in any string of the document (numbers and structure are left alone), and values of credential-like headers (Authorization, cookies, tokens,
// API keys) in the plan configuration the run_start document carries are replaced too.
#pragma once

#include <string>
#include <vector>

namespace sp::run {

constexpr const char* kRedacted = "[redacted]";

class Redactor {
 public:
  explicit Redactor(const std::vector<std::string>& secret_values);

  // The JSON document with every secret value inside its strings replaced by [redacted]
  // (text that is not JSON: replaced anywhere).
  std::string Apply(std::string text) const;

 private:
  std::vector<std::string> needles_;  // the values, longest first
};

// Whether a header's value is a credential by its name (case-insensitive): Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, and names containing token, secret, password,
// api-key/api_key/apikey, session or auth.
bool IsSensitiveHeader(const std::string& name);

// Replaces, in a JSON text, the values of sensitive headers inside every "headers" object
// (at any depth). Returns the text unchanged if it is not JSON.
std::string RedactHeadersInJson(const std::string& json_text);

}  // namespace sp::run
