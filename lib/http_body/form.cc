#include "lib/http_body/form.h"

namespace sp::http_body {
namespace {

bool KeptAsIs(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' ||
         c == '-' || c == '.' || c == '_';
}

}  // namespace

void AppendFormEncoded(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (KeptAsIs(c)) {
      out->push_back(ch);
    } else if (c == ' ') {
      out->push_back('+');
    } else {
      const char escape[3] = {'%', kHex[c >> 4], kHex[c & 0x0f]};
      out->append(escape, 3);
    }
  }
}

void AppendFormField(std::string_view name, std::string_view value, std::string* out) {
  if (!out->empty()) out->push_back('&');
  AppendFormEncoded(name, out);
  out->push_back('=');
  AppendFormEncoded(value, out);
}

}  // namespace sp::http_body
