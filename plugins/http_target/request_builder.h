// Compiles one plan request step into the exact bytes to write, once, at create: no request
// is rendered on the hot path. Steps whose path, header values or body use {{ }} templates
// are compiled into a RequestTemplate instead (request_template.h), rendered per request.
#pragma once

#include <memory>
#include <string>

#include "lib/http_body/multipart.h"
#include "plugins/http_target/option_error.h"
#include "plugins/http_target/target_config.h"
#include "plugins/http_target/version.h"
#include "stressplan/target.h"

namespace sp::http {

struct RequestTemplate;
struct ResponseSpec;
struct TemplateScope;

struct CompiledRequest {
  std::string name;
  std::string bytes;   // request line, headers, blank line and body (empty when tmpl is set)
  // A multipart body (multipart_body.h): `bytes` is the head only, and the worker streams the
  // body after it from a MultipartReader of this layout.
  std::shared_ptr<const http_body::MultipartLayout> multipart;
  bool head = false;   // a HEAD request: its response has no body
  // The VU's cookie jar (cookie_session.h): its cookies are sent with this request (not when
  // the request has a Cookie header of its own), and the response's Set-Cookie stored.
  bool send_cookies = true;
  bool store_cookies = true;
  // It sends Accept-Encoding: checks, captures and rules read its response bodies decoded.
  bool accepts_encoding = false;
  uint32_t max_redirects = 10;  // redirects its responses may lead through (redirect.h)
  std::shared_ptr<const RequestTemplate> tmpl;   // set when the bytes are rendered per request
  std::shared_ptr<const ResponseSpec> response;  // checks, captures, rules; null when none apply
};

// Checks `spec` (laid out as kRequestOptionDecls) and renders it against the target.
// Errors name option "requests/<index>" and the JSON pointer of the field ("/method").
// Templates resolve names against `scope` (data columns, captures of earlier steps).
bool CompileRequest(const sp_request_spec& spec, size_t index, const TargetConfig& target,
                    const TemplateScope& scope, CompiledRequest* out, OptionError* err);

}  // namespace sp::http
