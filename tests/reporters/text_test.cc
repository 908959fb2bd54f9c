// The escaping the HTML reporter relies on, tested alone: HTML text and JSON inside a <script>
// element, and the HTML page's number formats. (XML's: tests/lib/xml/xml_text_test.cc.)
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "plugins/reporters/html/html_text.h"

TEST_CASE("html: text escaping", "[text]") {
  CHECK(sp::html::Html("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(sp::html::Html("\"quotes\" & 'apostrophes'") == "&quot;quotes&quot; &amp; &#39;apostrophes&#39;");
  CHECK(sp::html::Html("tab\there\x01\x7f") == "tab\there");
}

TEST_CASE("html: JSON for a script element", "[text]") {
  const nlohmann::json value = {{"s", "</script><!-- x --> & \u2028\u2029 é"}, {"n", 1.5}};
  const std::string text = sp::html::ScriptJson(value);
  CHECK(text.find('<') == std::string::npos);
  CHECK(text.find('>') == std::string::npos);
  CHECK(text.find('&') == std::string::npos);
  CHECK(text.find("\u2028") == std::string::npos);
  CHECK(text.find("\u2029") == std::string::npos);
  CHECK(text.find("é") != std::string::npos);
  CHECK(nlohmann::json::parse(text) == value);
}

TEST_CASE("html: number formats", "[text]") {
  CHECK(sp::html::Count(4808) == "4,808");
  CHECK(sp::html::Count(1234567) == "1,234,567");
  CHECK(sp::html::Count(0) == "0");
  CHECK(sp::html::Decimal(961.26, 1) == "961.3");
  CHECK(sp::html::Decimal(-1234.5, 1) == "-1,234.5");
  CHECK(sp::html::Ms(0.0744) == "0.074");
  CHECK(sp::html::Ms(7.834) == "7.83");
  CHECK(sp::html::Ms(40.24) == "40.2");
  CHECK(sp::html::Ms(1234.4) == "1,234");
  CHECK(sp::html::Percent(0.0034286) == "0.34%");
  CHECK(sp::html::Percent(0.00001) == "<0.01%");
  CHECK(sp::html::Percent(0) == "0%");
  CHECK(sp::html::Seconds(5.05) == "5.0 s");
  CHECK(sp::html::Seconds(125) == "2 m 05 s");
  CHECK(sp::html::Seconds(3725) == "1 h 02 m");
  CHECK(sp::html::Clock(30) == "30s");
  CHECK(sp::html::Clock(150) == "2:30");
  CHECK(sp::html::Clock(3720) == "1:02:00");
  CHECK(sp::html::Bytes(1012918) == "1.0 MB");
  CHECK(sp::html::Bytes(512) == "512 B");
}
