// The escaping both reporters rely on, tested alone: XML 1.0 text and attributes (JUnit),
// HTML text and JSON inside a <script> element (HTML), and the HTML page's number formats.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "plugins/reporters/html/html_text.h"
#include "plugins/reporters/junit/xml_text.h"

using sp::junit::XmlAttr;
using sp::junit::XmlText;

TEST_CASE("xml: markup characters are escaped, in attributes quotes and whitespace too", "[text]") {
  CHECK(XmlText("a<b>&\"c\" 'd'") == "a&lt;b&gt;&amp;\"c\" 'd'");
  CHECK(XmlAttr("a<b>&\"c\" 'd'") == "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;");
  CHECK(XmlText("one\ttwo\nthree\rfour") == "one\ttwo\nthree&#13;four");
  CHECK(XmlAttr("one\ttwo\nthree\rfour") == "one&#9;two&#10;three&#13;four");
  CHECK(XmlText("]]>") == "]]&gt;");
}

TEST_CASE("xml: characters XML 1.0 cannot carry are dropped, broken UTF-8 replaced", "[text]") {
  CHECK(XmlText(std::string("a\0b", 3)) == "ab");
  CHECK(XmlText("a\x01\x08\x0b\x0c\x1f"
                "b") == "ab");
  CHECK(XmlText("a\xef\xbf\xbe\xef\xbf\xbf"
                "b") == "ab");                                      // U+FFFE, U+FFFF
  CHECK(XmlText("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") == "é€😀");  // kept as is
  CHECK(XmlText("a\xff"
                "b") ==
        "a\xef\xbf\xbd"
        "b");                                                                // not UTF-8
  CHECK(XmlText("a\xc3") == "a\xef\xbf\xbd");                                // truncated
  CHECK(XmlText("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong '/'
  CHECK(XmlText("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
}

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
