#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/report/redact.h"

using sp::report::Redactor;
using sp::report::SecretValue;

namespace {

Redactor Secrets(std::vector<std::string> values) {
  std::vector<SecretValue> out;
  for (size_t i = 0; i < values.size(); ++i) out.push_back({"S" + std::to_string(i), values[i]});
  return Redactor(out);
}

}  // namespace

TEST_CASE("secret values are replaced in every string of a document, and only there") {
  Redactor r = Secrets({"s3cr3t-token", "pa\"ss", "42", ""});
  CHECK(r.Apply("Bearer s3cr3t-token and s3cr3t-token") == "Bearer [redacted] and [redacted]");
  CHECK(r.Apply(R"({"h":"pa\"ss","n":42,"s":"x42y","s3cr3t-token":1})") ==
        R"({"[redacted]":1,"h":"[redacted]","n":42,"s":"x[redacted]y"})");
  CHECK(r.Apply("nothing here") == "nothing here");
  Redactor none(std::vector<SecretValue>{});
  CHECK(none.Apply(R"({"b": 1, "a": 2})") == R"({"b": 1, "a": 2})");  // untouched, order kept
}

TEST_CASE("credential-like headers are recognised by name") {
  for (const char* h : {"Authorization", "proxy-authorization", "Cookie", "Set-Cookie", "X-Auth-Token",
                        "X-Api-Key", "api_key", "X-Telegram-Bot-Api-Secret-Token", "X-Session-Id"}) {
    INFO(h);
    CHECK(sp::report::IsSensitiveHeader(h));
  }
  for (const char* h : {"Content-Type", "Accept", "X-Request-Id", "User-Agent"}) {
    INFO(h);
    CHECK_FALSE(sp::report::IsSensitiveHeader(h));
  }
}

TEST_CASE("header values are redacted inside every headers object") {
  std::string in = R"({"base_url":"http://x","headers":{"Authorization":"Bearer abc","Accept":"*/*"},)"
                   R"("nested":[{"headers":{"Cookie":"id=1"}}]})";
  std::string out = sp::report::RedactHeadersInJson(in);
  CHECK(out.find("Bearer abc") == std::string::npos);
  CHECK(out.find("id=1") == std::string::npos);
  CHECK(out.find("*/*") != std::string::npos);
  CHECK(sp::report::RedactHeadersInJson("not json") == "not json");
}

TEST_CASE("the fields the tool writes are never redacted, whatever the secret") {
  // A secret equal to the run's status, a document type, a key name: the verdict and the
  // structure stay; the user's text holding the same words is still redacted.
  Redactor r = Secrets({"completed", "summary", "status", "closed"});
  const std::string doc =
      R"({"type":"summary","status":"completed","status_reason":"completed early",)"
      R"("experiments":[{"outcome":"completed","message":"completed the closed loop"}],)"
      R"("stages":[{"model":"closed"}],"events":{"summary_sent":3}})";
  const nlohmann::json out = nlohmann::json::parse(r.Apply(doc));
  CHECK(out["type"] == "summary");
  CHECK(out["status"] == "completed");
  CHECK(out["experiments"][0]["outcome"] == "completed");
  CHECK(out["stages"][0]["model"] == "closed");
  CHECK(out.contains("status_reason"));  // a key of the tool's own
  CHECK(out["status_reason"] == "[redacted] early");
  CHECK(out["experiments"][0]["message"] == "[redacted] the [redacted] loop");
  CHECK(out["events"].contains("[redacted]_sent"));  // the user's own key
}

TEST_CASE("every key of the published report schema is one of the tool's own") {
  std::ifstream in(STRESSPLAN_REPORT_SCHEMA);
  REQUIRE(in);
  const nlohmann::json schema = nlohmann::json::parse(in);
  std::set<std::string> keys;
  auto walk = [&](const nlohmann::json& j, auto&& self) -> void {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "properties" && it->is_object()) {
          for (auto p = it->begin(); p != it->end(); ++p) keys.insert(p.key());
        }
        self(*it, self);
      }
    } else if (j.is_array()) {
      for (const auto& item : j) self(item, self);
    }
  };
  walk(schema, walk);
  REQUIRE(keys.size() > 100);
  for (const std::string& k : keys) {
    INFO(k);
    CHECK(sp::report::IsReportKey(k));
  }
  CHECK(sp::report::IsReportKey("http_5xx"));  // error kinds, keys of errors_by_type
  CHECK_FALSE(sp::report::IsReportKey("s/call"));
}

TEST_CASE("plain text is redacted everywhere, longest secret first") {
  Redactor r = Secrets({"abcd", "abcdef"});
  CHECK(r.Text("x abcdef y abcd") == "x [redacted] y [redacted]");
  CHECK(Secrets({}).Text("abcd") == "abcd");
}

TEST_CASE("journal lines hold placeholders that recover fills back from the environment") {
  Redactor r(std::vector<SecretValue>{{"API_TOKEN", "tok-123456"}});
  const std::string line = R"({"op":"inject","record":{"revert":{"argv":["curl","-H","X: tok-123456"]}}})";
  const std::string journaled = r.Placeholders(line);
  CHECK(journaled.find("tok-123456") == std::string::npos);
  CHECK(journaled.find("X: [secret:API_TOKEN]") != std::string::npos);

  const std::string record = nlohmann::json::parse(journaled)["record"].dump();
  std::string err;
  ::unsetenv("API_TOKEN");
  std::string unset = record;
  CHECK_FALSE(sp::report::FillSecretPlaceholders(&unset, &err));
  CHECK(unset == record);
  CHECK(err.find("API_TOKEN is not set") != std::string::npos);

  ::setenv("API_TOKEN", "tok-\"quoted\"", 1);
  std::string filled = record;
  REQUIRE(sp::report::FillSecretPlaceholders(&filled, &err));
  CHECK(nlohmann::json::parse(filled)["revert"]["argv"][2] == "X: tok-\"quoted\"");
  // A record the plugin wrote as plain text is filled as text.
  std::string text = "revert with [secret:API_TOKEN]";
  REQUIRE(sp::report::FillSecretPlaceholders(&text, &err));
  CHECK(text == "revert with tok-\"quoted\"");
  ::unsetenv("API_TOKEN");
}
