// application/x-www-form-urlencoded bodies, byte for byte as the WHATWG URL standard's
// urlencoded serializer writes them (https://url.spec.whatwg.org/#urlencoded-serializing):
// what a browser sends for an HTML form, and what servers' form parsers expect.
#pragma once

#include <string>
#include <string_view>

namespace sp::http_body {

// Appends `bytes` percent-encoded with the application/x-www-form-urlencoded set: ASCII
// letters, digits and *-._ are kept, a space becomes '+', every other byte becomes %XX
// (upper-case hex). The bytes are taken as they are: UTF-8 text gives UTF-8 escapes, and no
// newline is rewritten (a browser turns a form's lone LF into CR LF first; a plan says which
// bytes it means).
void AppendFormEncoded(std::string_view bytes, std::string* out);

// Appends one name=value pair, preceded by '&' unless *out is empty: called once per field
// in order, it builds the whole body.
void AppendFormField(std::string_view name, std::string_view value, std::string* out);

}  // namespace sp::http_body
