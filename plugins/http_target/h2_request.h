// An HTTP/2 request from the HTTP/1.1 bytes the target compiles or renders (request_builder.h,
// request_template.h): the request line becomes :method and :path, Host becomes :authority,
// the other fields keep their order with lowercase names, and the fields HTTP/2 forbids
// (connection-specific ones, RFC 9113 8.2.2) are left out. One compiler of requests serves
// both protocols, so templates, cookies and headers behave the same over HTTP/2.
#pragma once

#include <nghttp2/nghttp2.h>

#include <string>
#include <string_view>
#include <vector>

namespace sp::http {

struct H2Request {
  std::vector<nghttp2_nv> fields;  // pseudo-header fields first; point into `names` and the bytes
  std::string names;               // the lowercased field names
  std::string_view body;           // the request's body, inside the bytes
};

// Fills *out from `http1` (a complete request as request_builder.h writes it). The fields point
// into `http1` and *out, so both must outlive their use (nghttp2_submit_request copies them).
// False with *why when the bytes are not such a request (which the compiler never produces).
bool ToH2Request(std::string_view http1, bool tls, H2Request* out, std::string* why);

}  // namespace sp::http
