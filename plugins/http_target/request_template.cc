#include "plugins/http_target/request_template.h"

#include "lib/http1/syntax.h"

namespace sp::http {

bool RequestTemplate::render(RenderState& state, std::string* out, std::string* body_scratch) const {
  out->clear();
  if (!head.render(state, out)) return false;
  if (!content_length) {
    out->append("\r\n");
    return body.render(state, out);
  }
  body_scratch->clear();
  if (!body.render(state, body_scratch)) return false;
  out->append("Content-Length: ");
  append_decimal(uint64_t{body_scratch->size()}, out);
  out->append("\r\n\r\n");
  out->append(*body_scratch);
  return true;
}

bool template_sample(std::string_view text, TemplateContext context, const TemplateScope& scope,
                     const std::string& option, const std::string& pointer, std::string* sample,
                     OptionError* err) {
  if (!Template::has_markup(text)) {
    *sample = std::string(text);
    return true;
  }
  Template t;
  std::string why;
  if (!Template::compile(text, context, scope, &t, &why)) {
    *err = {why, option, pointer};
    return false;
  }
  *sample = t.sample();
  return true;
}

bool request_has_markup(std::string_view path, const HeaderList& headers, std::string_view body) {
  if (Template::has_markup(path) || Template::has_markup(body)) return true;
  for (const Header& h : headers) {
    if (Template::has_markup(h.value)) return true;
  }
  return false;
}

bool build_request_template(std::string_view method, std::string_view prefix,
                            std::string_view path, const HeaderList& headers,
                            const HeaderList& own, std::string_view body, bool content_length,
                            const TemplateScope& scope, const std::string& option,
                            CompiledRequest* out, OptionError* err) {
  auto t = std::make_shared<RequestTemplate>();
  std::string why;
  t->head.append_literal(method);
  t->head.append_literal(" ");
  t->head.append_literal(prefix);
  if (!Template::compile(path, TemplateContext::kPath, scope, &t->head, &why)) {
    *err = {why, option, "/path"};
    return false;
  }
  t->head.append_literal(" HTTP/1.1\r\n");
  for (const Header& h : headers) {
    if (http1::IEquals(h.name, "content-length")) continue;  // computed per request
    t->head.append_literal(h.name);
    t->head.append_literal(": ");
    if (!Template::compile(h.value, TemplateContext::kHeader, scope, &t->head, &why)) {
      // The step's own header, or one of the target's (which every step inherits).
      if (find_header(own, h.name) != nullptr) {
        *err = {why, option, "/headers/" + JsonPointerToken(h.name)};
      } else {
        *err = {"target header " + h.name + ": " + why, "headers", "/" + JsonPointerToken(h.name)};
      }
      return false;
    }
    t->head.append_literal("\r\n");
  }
  if (!Template::compile(body, TemplateContext::kBody, scope, &t->body, &why)) {
    *err = {why, option, "/body"};
    return false;
  }
  t->content_length = content_length;
  t->uses = t->head.uses() | t->body.uses();

  if (!t->head.has_slots() && !t->body.has_slots()) {
    // Only escapes ("{{{{"): the bytes are fixed after all.
    RenderState state;
    std::string scratch;
    t->render(state, &out->bytes, &scratch);
    out->tmpl.reset();
    return true;
  }
  out->bytes.clear();
  out->bytes.shrink_to_fit();
  out->tmpl = std::move(t);
  return true;
}

}  // namespace sp::http
