// A request step whose path, header values or body use {{ }}: its bytes as a template,
// rendered per request into a buffer the worker reuses. Content-Length is computed from the
// rendered body. Steps without templates keep the bytes CompileRequest rendered once.
#pragma once

#include <string>
#include <string_view>

#include "plugins/http_target/header_list.h"
#include "plugins/http_target/option_error.h"
#include "plugins/http_target/request_builder.h"
#include "plugins/http_target/template.h"

namespace sp::http {

struct RequestTemplate {
  Template head;  // request line and header fields, each line ending in CRLF
  Template body;
  bool content_length = false;  // end the head with Content-Length (a body, or POST/PUT/PATCH)
  uint32_t uses = 0;            // TemplateUse bits of head and body

  // Replaces *out with the request bytes. body_scratch is reused for the body when its length
  // must be known before it is written. False with state.error set if a value is missing.
  bool Render(RenderState& state, std::string* out, std::string* body_scratch) const;
};

// Compiles `text` (a request's path or body) only to check it; *sample is the text with slots
// replaced by "0" (see Template::Sample), or `text` itself when it has no markup. Errors name
// `option` and `pointer`.
bool TemplateSample(std::string_view text, TemplateContext context, const TemplateScope& scope,
                    const std::string& option, const std::string& pointer, std::string* sample,
                    OptionError* err);

// True if the path, any header value or the body has markup.
bool RequestHasMarkup(std::string_view path, const HeaderList& headers, std::string_view body);

// Builds out->tmpl from the checked pieces CompileRequest layered: `headers` is the final
// list in wire order (with `content_length`, its Content-Length is left out: it is computed
// per request),
// `own` the step's own headers (to tell which option a header error belongs to). A template
// that turns out to have no slots ("{{{{" only) is rendered into out->bytes instead.
bool BuildRequestTemplate(std::string_view method, std::string_view prefix, std::string_view path,
                          const HeaderList& headers, const HeaderList& own, std::string_view body,
                          bool content_length, const TemplateScope& scope,
                          const std::string& option, CompiledRequest* out, OptionError* err);

}  // namespace sp::http
