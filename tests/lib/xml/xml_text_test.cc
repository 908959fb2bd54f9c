// XML 1.0 text for the JUnit files: escaping, and the characters XML cannot carry.
#include "lib/xml/xml_text.h"

#include <catch2/catch.hpp>
#include <string>

using sp::xml::XmlAttr;
using sp::xml::XmlText;

TEST_CASE("xml: markup characters are escaped, in attributes quotes and whitespace too", "[xml]") {
  CHECK(XmlText("a<b>&\"c\" 'd'") == "a&lt;b&gt;&amp;\"c\" 'd'");
  CHECK(XmlAttr("a<b>&\"c\" 'd'") == "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;");
  CHECK(XmlText("one\ttwo\nthree\rfour") == "one\ttwo\nthree&#13;four");
  CHECK(XmlAttr("one\ttwo\nthree\rfour") == "one&#9;two&#10;three&#13;four");
  CHECK(XmlText("]]>") == "]]&gt;");
}

TEST_CASE("xml: characters XML 1.0 cannot carry are dropped, broken UTF-8 replaced", "[xml]") {
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
