#include "plugins/http_target/h2_request.h"

#include "lib/http1/syntax.h"

namespace sp::http {
namespace {

nghttp2_nv Field(std::string_view name, std::string_view value) {
  // nghttp2 takes non-const pointers but only reads through them (nghttp2_submit_request copies).
  return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE};
}

// Fields of HTTP/1.1 connection management that an HTTP/2 request must not carry.
bool ConnectionSpecific(std::string_view name, std::string_view value) {
  for (const char* forbidden :
       {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}) {
    if (http1::IEquals(name, forbidden)) return true;
  }
  return http1::IEquals(name, "te") && !http1::IEquals(value, "trailers");
}

// Splits off the next CRLF-terminated line of *rest.
bool NextLine(std::string_view* rest, std::string_view* line) {
  const size_t end = rest->find("\r\n");
  if (end == std::string_view::npos) return false;
  *line = rest->substr(0, end);
  rest->remove_prefix(end + 2);
  return true;
}

}  // namespace

bool ToH2Request(std::string_view http1, bool tls, H2Request* out, std::string* why) {
  out->fields.clear();
  out->names.clear();
  // Never reallocated below: the fields point into it.
  out->names.reserve(http1.size());
  std::string_view rest = http1;
  std::string_view line;
  const size_t sp1 = http1.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : http1.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || !NextLine(&rest, &line)) {
    *why = "http2: the request has no request line";
    return false;
  }
  out->fields.push_back(Field(":method", http1.substr(0, sp1)));
  out->fields.push_back(Field(":scheme", tls ? "https" : "http"));
  out->fields.push_back(Field(":authority", ""));  // Host's value, below
  out->fields.push_back(Field(":path", http1.substr(sp1 + 1, sp2 - sp1 - 1)));
  while (true) {
    if (!NextLine(&rest, &line)) {
      *why = "http2: the request's head does not end";
      return false;
    }
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      *why = "http2: a header line without ':'";
      return false;
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = http1::TrimOws(line.substr(colon + 1));
    if (http1::IEquals(name, "host")) {
      out->fields[2] = Field(":authority", value);
      continue;
    }
    if (ConnectionSpecific(name, value)) continue;
    const size_t at = out->names.size();
    for (char c : name) out->names.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    out->fields.push_back(Field(std::string_view(out->names).substr(at, name.size()), value));
  }
  out->body = rest;
  return true;
}

}  // namespace sp::http
