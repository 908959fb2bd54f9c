#include <catch2/catch.hpp>

#include "core/run/redact.h"

using sp::run::Redactor;

TEST_CASE("secret values are replaced in every string of a document, and only there") {
  Redactor r({"s3cr3t-token", "pa\"ss", "42", ""});
  CHECK(r.Apply("Bearer s3cr3t-token and s3cr3t-token") == "Bearer [redacted] and [redacted]");
  CHECK(r.Apply(R"({"h":"pa\"ss","n":42,"s":"x42y","s3cr3t-token":1})") ==
        R"({"[redacted]":1,"h":"[redacted]","n":42,"s":"x[redacted]y"})");
  CHECK(r.Apply("nothing here") == "nothing here");
  Redactor none({});
  CHECK(none.Apply(R"({"b": 1, "a": 2})") == R"({"b": 1, "a": 2})");  // untouched, order kept
}

TEST_CASE("credential-like headers are recognised by name") {
  for (const char* h : {"Authorization", "proxy-authorization", "Cookie", "Set-Cookie", "X-Auth-Token",
                        "X-Api-Key", "api_key", "X-Telegram-Bot-Api-Secret-Token", "X-Session-Id"}) {
    INFO(h);
    CHECK(sp::run::IsSensitiveHeader(h));
  }
  for (const char* h : {"Content-Type", "Accept", "X-Request-Id", "User-Agent"}) {
    INFO(h);
    CHECK_FALSE(sp::run::IsSensitiveHeader(h));
  }
}

TEST_CASE("header values are redacted inside every headers object") {
  std::string in = R"({"base_url":"http://x","headers":{"Authorization":"Bearer abc","Accept":"*/*"},)"
                   R"("nested":[{"headers":{"Cookie":"id=1"}}]})";
  std::string out = sp::run::RedactHeadersInJson(in);
  CHECK(out.find("Bearer abc") == std::string::npos);
  CHECK(out.find("id=1") == std::string::npos);
  CHECK(out.find("*/*") != std::string::npos);
  CHECK(sp::run::RedactHeadersInJson("not json") == "not json");
}
