// Text for an XML 1.0 document: escaping for character data and attribute values, with the
// characters XML 1.0 cannot carry at all removed. Plan and server strings (request names,
// error messages) reach the JUnit files — the junit reporter's and `stressplan compare`'s —
// through here and nowhere else.
#pragma once

#include <string>
#include <string_view>

namespace sp::xml {

// `text` escaped for character data: & < > become entities. Characters XML 1.0 forbids even
// as references (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF)
// are dropped, and bytes that are not UTF-8 become U+FFFD.
std::string XmlText(std::string_view text);

// The same for a double-quoted attribute value; also escapes " and ', and writes tab,
// newline and carriage return as references so that attribute normalisation keeps them.
std::string XmlAttr(std::string_view text);

}  // namespace sp::xml
