// The request option `form`: a map of field name to value, sent as an
// application/x-www-form-urlencoded body (the WHATWG serializer: lib/http_body/form.h), fields
// in the plan's order. A list value repeats its field (`tag: [a, b]` sends tag=a&tag=b).
// Values may use {{ }} templates: their literal text is encoded here, once, and each
// {{ expr }} becomes {{ expr | form }}, so what it renders to is encoded per request too.
#pragma once

#include <string>
#include <string_view>

#include "plugins/http_target/option_error.h"

namespace sp::http {

// The body text `form` (JSON text of the option) stands for, templates still in it. Errors
// name `option` and the JSON pointer of the field ("/form/user").
bool FormBodyText(std::string_view form, const std::string& option, std::string* body,
                  OptionError* err);

}  // namespace sp::http
