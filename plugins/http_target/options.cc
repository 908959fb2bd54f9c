#include "plugins/http_target/options.h"

namespace sp::http {

const sp_option_decl kTargetOptionDecls[kTargetOptionCount] = {
    {"base_url", SP_OPT_STRING, nullptr, 1,
     "http://host[:port][/prefix] of the system under test; the prefix is prepended to every "
     "request path. https:// is refused: TLS is not supported yet."},
    {"connect_timeout", SP_OPT_DURATION, "5s", 0,
     "How long opening a TCP connection may take before the request fails with connect_timeout."},
    {"response_timeout", SP_OPT_DURATION, "30s", 0,
     "How long a complete response may take, from the first byte of the request written, "
     "before the request fails with response_timeout."},
    {"headers", SP_OPT_JSON, nullptr, 0,
     "Map of header name to value added to every request; a request's own headers override "
     "these by name (case-insensitive)."},
};

const sp_option_decl kRequestOptionDecls[kRequestOptionCount] = {
    {"method", SP_OPT_STRING, "GET", 0, "HTTP method (token characters only, e.g. GET, POST)."},
    {"path", SP_OPT_STRING, "/", 0,
     "Request path and query, starting with '/'; appended to base_url's prefix."},
    {"headers", SP_OPT_JSON, nullptr, 0,
     "Map of header name to value for this request; overrides the target's headers by name."},
    {"body", SP_OPT_STRING, nullptr, 0,
     "Request body, sent with Content-Length. Without a Content-Type header, a JSON object or "
     "array body is sent as application/json, any other as text/plain; charset=utf-8."},
};

const sp_option_value* option_value(const sp_options* options, size_t k) {
  if (options == nullptr || options->values == nullptr || k >= options->count) return nullptr;
  const sp_option_value* v = &options->values[k];
  return v->is_set ? v : nullptr;
}

}  // namespace sp::http
