#include "plugins/http_target/request_builder.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "lib/http1/syntax.h"
#include "plugins/http_target/form_body.h"
#include "plugins/http_target/multipart_body.h"
#include "plugins/http_target/options.h"
#include "plugins/http_target/request_template.h"

namespace sp::http {
namespace {

std::string_view StringOption(const sp_options* options, RequestOption k) {
  const sp_option_value* v = OptionValue(options, k);
  if (v == nullptr || v->s.ptr == nullptr) return kRequestOptionDecls[k].default_value
                                                      ? kRequestOptionDecls[k].default_value
                                                      : std::string_view();
  return {v->s.ptr, v->s.len};
}

bool LooksLikeJsonDocument(std::string_view body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (body[first] != '{' && body[first] != '[')) return false;
  return nlohmann::json::accept(body);
}

bool CheckPath(std::string_view path, std::string* why) {
  if (path.empty() || path.front() != '/') {
    *why = "path \"" + std::string(path) + "\" must start with '/'";
    return false;
  }
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '#') {
      *why = "path \"" + std::string(path) +
             "\" must not contain spaces, control characters or '#'; percent-encode them (%20)";
      return false;
    }
  }
  return true;
}

// What a step sends after its head: the `body` option as written, the `form` option encoded,
// or the `multipart` option's layout (streamed by the worker, not part of the bytes).
struct RequestBody {
  std::string text;
  bool given = false;                  // body, form or multipart is set
  const char* content_type = nullptr;  // the default Content-Type of a form or multipart
  std::string multipart_type;          // multipart/form-data; boundary=...
  std::shared_ptr<const http_body::MultipartLayout> multipart;
  const char* pointer = "/body";  // the option template errors point at
};

bool ReadMultipart(const sp_options* options, const sp_option_value& multipart,
                   const std::string& option, RequestBody* body, OptionError* err) {
  const std::string_view dir = StringOption(options, kMultipartDir);
  if (!MultipartBodyLayout(
          std::string_view(multipart.s.ptr ? multipart.s.ptr : "", multipart.s.len),
          std::string(dir), option, &body->multipart, err)) {
    return false;
  }
  body->multipart_type = body->multipart->content_type();
  body->content_type = body->multipart_type.c_str();
  body->pointer = "/multipart";
  return true;
}

bool ReadBody(const sp_options* options, const std::string& option, RequestBody* body,
              OptionError* err) {
  const sp_option_value* text = OptionValue(options, kBody);
  const sp_option_value* form = OptionValue(options, kForm);
  const sp_option_value* multipart = OptionValue(options, kMultipart);
  body->given = text != nullptr || form != nullptr || multipart != nullptr;
  if ((text != nullptr) + (form != nullptr) + (multipart != nullptr) > 1) {
    *err = {"a request has one of body, form or multipart, not several", option,
            multipart != nullptr ? "/multipart" : "/form"};
    return false;
  }
  if (multipart != nullptr) return ReadMultipart(options, *multipart, option, body, err);
  if (form != nullptr) {
    body->content_type = "application/x-www-form-urlencoded";
    body->pointer = "/form";
    return FormBodyText(std::string_view(form->s.ptr ? form->s.ptr : "", form->s.len), option,
                        &body->text, err);
  }
  if (text != nullptr && text->s.ptr != nullptr) body->text.assign(text->s.ptr, text->s.len);
  return true;
}

// Content-Type (unless the step's headers set one) and Content-Length for the body. A
// multipart body's type carries its boundary: a Content-Type of the step's own is refused.
bool AddBodyHeaders(const RequestBody& body, std::string_view body_sample, std::string_view method,
                    const std::string& option, HeaderList* headers, OptionError* err) {
  const bool typed = FindHeader(*headers, "content-type") != nullptr;
  if (body.multipart != nullptr && typed) {
    *err = {
        "a multipart request sets its own Content-Type (multipart/form-data with its "
        "boundary); remove the Content-Type header",
        option, "/headers"};
    return false;
  }
  if ((!body.text.empty() || body.multipart != nullptr) && !typed) {
    headers->push_back({"Content-Type", body.content_type != nullptr ? body.content_type
                                        : LooksLikeJsonDocument(body_sample)
                                            ? "application/json"
                                            : "text/plain; charset=utf-8"});
  }
  // A body always carries its length; so do POST/PUT/PATCH without one, which some servers
  // refuse otherwise (411 Length Required).
  if (body.given || method == "POST" || method == "PUT" || method == "PATCH") {
    const uint64_t length =
        body.multipart != nullptr ? body.multipart->content_length() : uint64_t{body.text.size()};
    headers->push_back({"Content-Length", std::to_string(length)});
  }
  return true;
}

// What the worker does around the request: cookies, encodings, redirects.
bool ReadExchangeOptions(const sp_options* options, const TargetConfig& target,
                         const HeaderList& headers, const std::string& option, CompiledRequest* out,
                         OptionError* err) {
  out->store_cookies = target.cookies;
  if (const sp_option_value* v = OptionValue(options, kRequestCookies)) {
    out->store_cookies = v->b != 0;
  }
  out->send_cookies = out->store_cookies && FindHeader(headers, "cookie") == nullptr;
  out->accepts_encoding = FindHeader(headers, "accept-encoding") != nullptr;
  out->max_redirects = target.max_redirects;
  const sp_option_value* v = OptionValue(options, kRequestMaxRedirects);
  return v == nullptr || ReadMaxRedirects(*v, option, "/max_redirects", &out->max_redirects, err);
}

}  // namespace

bool CompileRequest(const sp_request_spec& spec, size_t index, const TargetConfig& target,
                    const TemplateScope& scope, CompiledRequest* out, OptionError* err) {
  const std::string option = "requests/" + std::to_string(index);
  const sp_options* options = &spec.options;

  const std::string_view method = StringOption(options, kMethod);
  if (!http1::IsToken(method)) {
    *err = {"method \"" + std::string(method) + "\" is not a valid HTTP method (use a token such "
            "as GET or POST: letters, digits and !#$%&'*+-.^_`|~)", option, "/method"};
    return false;
  }
  const std::string_view path = StringOption(options, kPath);
  std::string why;
  std::string path_sample;  // with templates: {{ }} slots as "0", so the literal parts are checked
  if (!TemplateSample(path, TemplateContext::kPath, scope, option, "/path", &path_sample, err)) {
    return false;
  }
  if (!CheckPath(path_sample, &why)) {
    *err = {why, option, "/path"};
    return false;
  }
  HeaderList own;
  if (const sp_option_value* h = OptionValue(options, kRequestHeaders); h != nullptr) {
    if (!ParseHeaders(std::string_view(h->s.ptr, h->s.len), option, "/headers", &own, err)) {
      return false;
    }
  }
  RequestBody request_body;
  if (!ReadBody(options, option, &request_body, err)) return false;
  const std::string& body = request_body.text;
  std::string body_sample;
  if (!TemplateSample(body, TemplateContext::kBody, scope, option, request_body.pointer,
                      &body_sample, err)) {
    return false;
  }

  // Defaults, then the target's headers, then the request's: later layers win by name.
  HeaderList headers{{"Host", target.url.host_header}, {"User-Agent", kUserAgent}};
  OverlayHeaders(&headers, target.headers);
  OverlayHeaders(&headers, own);
  if (!AddBodyHeaders(request_body, body_sample, method, option, &headers, err)) return false;

  std::string& b = out->bytes;
  b.clear();
  b.append(method).append(" ").append(target.url.prefix).append(path).append(" HTTP/1.1\r\n");
  for (const Header& h : headers) b.append(h.name).append(": ").append(h.value).append("\r\n");
  b.append("\r\n").append(body);
  out->name = std::string(spec.name.ptr ? std::string_view(spec.name.ptr, spec.name.len) : "");
  out->head = method == "HEAD";
  if (!ReadExchangeOptions(options, target, headers, option, out, err)) return false;
  out->multipart = request_body.multipart;
  if (RequestHasMarkup(path, headers, body)) {
    // A multipart body's length is fixed by its layout: the template keeps its Content-Length.
    const bool content_length =
        out->multipart == nullptr && FindHeader(headers, "content-length") != nullptr;
    return BuildRequestTemplate(method, target.url.prefix, path, headers, own, body, content_length,
                                scope, option, out, err);
  }
  return true;
}

}  // namespace sp::http
