// Keeping secrets out of everything the run writes. The values of the plan's `secrets:`
// variables are replaced where their text appears: in the strings of each report document
// (before any reporter sees it), in console lines and plugin logs, and in the chaos journal
// (there by a `[secret:NAME]` placeholder that `stressplan recover` fills back from the
// environment). Values of credential-like headers (Authorization, cookies, tokens, API keys)
// in the plan configuration the run_start document carries are replaced too.
//
// Only values are redacted, never the document's structure or the fields the tool writes
// itself (run status, outcomes, types, its own key names: the list is in redact.cc), so a
// secret that happens to be `completed` cannot change a verdict. Numbers and booleans are
// never touched. Secrets shorter than kMinSecretLength are refused when the plan is loaded
// (core/plan/plan_loader.cc): hiding every "a" or "42" would make a report unreadable.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

namespace sp::plan {
struct Plan;
}

namespace sp::report {

constexpr const char* kRedacted = "[redacted]";

struct SecretValue {
  std::string name;   // the variable, e.g. API_TOKEN
  std::string value;  // its value for this run; empty: unset, nothing to hide
};

class Redactor {
 public:
  explicit Redactor(std::vector<SecretValue> secrets);

  bool empty() const { return secrets_.empty(); }

  // A JSON document with every secret value inside its string values (and in the keys the
  // tool does not own) replaced by [redacted]; text that is not JSON is redacted as text.
  std::string Apply(std::string json_text) const;
  // Plain text (a console line, a plugin's log message): every occurrence replaced.
  std::string Text(std::string text) const;
  // A journal line: every secret value inside its string values replaced by
  // [secret:NAME], which FillSecretPlaceholders turns back into the value.
  std::string Placeholders(const std::string& json_text) const;

 private:
  std::vector<SecretValue> secrets_;  // longest value first, so a longer secret wins
};

// The plan's secrets with their values, for a Redactor.
std::vector<SecretValue> SecretValues(const plan::Plan& plan);

// Whether `key` is one of the key names the tool itself writes in its documents (the
// properties of docs/report-schema.json, error kinds): such keys are never redacted.
bool IsReportKey(const std::string& key);

// Replaces each [secret:NAME] inside the strings of a journal record (JSON text) by the
// value of the environment variable NAME. False with *err naming the variable when one is
// unset; the text is left unchanged then.
bool FillSecretPlaceholders(std::string* json_text, std::string* err);

// While it lives, files and folders the process creates are readable by the user alone
// (umask 077): reports, the journal, service logs of a plan that declares secrets.
class PrivateFiles {
 public:
  explicit PrivateFiles(bool on) : on_(on), old_(on ? ::umask(077) : 0) {}
  ~PrivateFiles() {
    if (on_) ::umask(old_);
  }
  PrivateFiles(const PrivateFiles&) = delete;
  PrivateFiles& operator=(const PrivateFiles&) = delete;

 private:
  bool on_;
  mode_t old_;
};

// Whether a header's value is a credential by its name (case-insensitive): Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, and names containing token, secret, password,
// api-key/api_key/apikey, session or auth.
bool IsSensitiveHeader(const std::string& name);

// Replaces, in a JSON text, the values of sensitive headers inside every "headers" object
// (at any depth). Returns the text unchanged if it is not JSON.
std::string RedactHeadersInJson(const std::string& json_text);

}  // namespace sp::report
