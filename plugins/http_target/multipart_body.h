// The request option `multipart`: a map of field name to value sent as a multipart/form-data
// body (RFC 7578), fields in the plan's order. A value is text (a string, number or boolean),
// a file ({file: path, filename?: name, content_type?: type}) or a list of those (the field
// repeats). Files are streamed from disk as the socket takes them (lib/http_body/multipart.h);
// their relative paths start at the request option `multipart_dir`, whose default the host
// resolves to the plan's folder. Everything is checked here, at create and in `validate`:
// every file must exist and be a readable regular file, so a plan with a missing upload fails
// before the run. The text is fixed: templates ({{ }}) are refused in names, values and paths.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "lib/http_body/multipart.h"
#include "plugins/http_target/option_error.h"

namespace sp::http {

// Lays out the body `multipart` (JSON text of the option) stands for. Errors name `option` and
// the JSON pointer of the field ("/multipart/avatar/file").
bool MultipartBodyLayout(std::string_view multipart, const std::string& base_dir,
                         const std::string& option,
                         std::shared_ptr<const http_body::MultipartLayout>* out, OptionError* err);

}  // namespace sp::http
