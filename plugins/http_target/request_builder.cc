#include "plugins/http_target/request_builder.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "lib/http1/syntax.h"
#include "plugins/http_target/form_body.h"
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

// The request's body: the `body` option as written, or the `form` option encoded (then
// *content_type is its default Content-Type). *has_body when either is given.
bool ReadBody(const sp_options* options, const std::string& option, std::string* body,
              bool* has_body, const char** content_type, OptionError* err) {
  const sp_option_value* text = OptionValue(options, kBody);
  const sp_option_value* form = OptionValue(options, kForm);
  *has_body = text != nullptr || form != nullptr;
  if (text != nullptr && form != nullptr) {
    *err = {"a request has a body or a form, not both", option, "/form"};
    return false;
  }
  if (form != nullptr) {
    *content_type = "application/x-www-form-urlencoded";
    return FormBodyText(std::string_view(form->s.ptr ? form->s.ptr : "", form->s.len), option, body,
                        err);
  }
  if (text != nullptr && text->s.ptr != nullptr) body->assign(text->s.ptr, text->s.len);
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
  std::string body;
  bool has_body = false;
  const char* content_type = nullptr;
  if (!ReadBody(options, option, &body, &has_body, &content_type, err)) return false;
  std::string body_sample;
  const char* body_pointer = content_type != nullptr ? "/form" : "/body";
  if (!TemplateSample(body, TemplateContext::kBody, scope, option, body_pointer, &body_sample,
                      err)) {
    return false;
  }

  // Defaults, then the target's headers, then the request's: later layers win by name.
  HeaderList headers{{"Host", target.url.host_header}, {"User-Agent", kUserAgent}};
  OverlayHeaders(&headers, target.headers);
  OverlayHeaders(&headers, own);
  if (!body.empty() && FindHeader(headers, "content-type") == nullptr) {
    headers.push_back({"Content-Type", content_type != nullptr ? content_type
                                       : LooksLikeJsonDocument(body_sample)
                                           ? "application/json"
                                           : "text/plain; charset=utf-8"});
  }
  // A body always carries its length; so do POST/PUT/PATCH without one, which some servers
  // refuse otherwise (411 Length Required).
  if (has_body || method == "POST" || method == "PUT" || method == "PATCH") {
    headers.push_back({"Content-Length", std::to_string(body.size())});
  }

  std::string& b = out->bytes;
  b.clear();
  b.append(method).append(" ").append(target.url.prefix).append(path).append(" HTTP/1.1\r\n");
  for (const Header& h : headers) b.append(h.name).append(": ").append(h.value).append("\r\n");
  b.append("\r\n").append(body);
  out->name = std::string(spec.name.ptr ? std::string_view(spec.name.ptr, spec.name.len) : "");
  out->head = method == "HEAD";
  if (!ReadExchangeOptions(options, target, headers, option, out, err)) return false;
  if (RequestHasMarkup(path, headers, body)) {
    const bool content_length = FindHeader(headers, "content-length") != nullptr;
    return BuildRequestTemplate(method, target.url.prefix, path, headers, own, body, content_length,
                                scope, option, out, err);
  }
  return true;
}

}  // namespace sp::http
