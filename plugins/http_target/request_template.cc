#include "plugins/http_target/request_template.h"

#include "lib/http1/syntax.h"

namespace sp::http {

bool RequestTemplate::Render(RenderState& state, std::string* out,
                             std::string* body_scratch) const {
  out->clear();
  if (!head.Render(state, out)) return false;
  if (!content_length) {
    out->append("\r\n");
    return body.Render(state, out);
  }
  body_scratch->clear();
  if (!body.Render(state, body_scratch)) return false;
  out->append("Content-Length: ");
  AppendDecimal(uint64_t{body_scratch->size()}, out);
  out->append("\r\n\r\n");
  out->append(*body_scratch);
  return true;
}

bool TemplateSample(std::string_view text, TemplateContext context, const TemplateScope& scope,
                    const std::string& option, const std::string& pointer, std::string* sample,
                    OptionError* err) {
  if (!Template::HasMarkup(text)) {
    *sample = std::string(text);
    return true;
  }
  Template t;
  std::string why;
  if (!Template::Compile(text, context, scope, &t, &why)) {
    *err = {why, option, pointer};
    return false;
  }
  *sample = t.Sample();
  return true;
}

bool RequestHasMarkup(std::string_view path, const HeaderList& headers, std::string_view body) {
  if (Template::HasMarkup(path) || Template::HasMarkup(body)) return true;
  for (const Header& h : headers) {
    if (Template::HasMarkup(h.value)) return true;
  }
  return false;
}

bool BuildRequestTemplate(std::string_view method, std::string_view prefix, std::string_view path,
                          const HeaderList& headers, const HeaderList& own, std::string_view body,
                          bool content_length, const TemplateScope& scope,
                          const std::string& option, CompiledRequest* out, OptionError* err) {
  auto t = std::make_shared<RequestTemplate>();
  std::string why;
  t->head.AppendLiteral(method);
  t->head.AppendLiteral(" ");
  t->head.AppendLiteral(prefix);
  if (!Template::Compile(path, TemplateContext::kPath, scope, &t->head, &why)) {
    *err = {why, option, "/path"};
    return false;
  }
  t->head.AppendLiteral(" HTTP/1.1\r\n");
  for (const Header& h : headers) {
    // Computed per request (a multipart body's, fixed by its layout, stays in the head).
    if (content_length && http1::IEquals(h.name, "content-length")) continue;
    t->head.AppendLiteral(h.name);
    t->head.AppendLiteral(": ");
    if (!Template::Compile(h.value, TemplateContext::kHeader, scope, &t->head, &why)) {
      // The step's own header, or one of the target's (which every step inherits).
      if (FindHeader(own, h.name) != nullptr) {
        *err = {why, option, "/headers/" + JsonPointerToken(h.name)};
      } else {
        *err = {"target header " + h.name + ": " + why, "headers", "/" + JsonPointerToken(h.name)};
      }
      return false;
    }
    t->head.AppendLiteral("\r\n");
  }
  if (!Template::Compile(body, TemplateContext::kBody, scope, &t->body, &why)) {
    *err = {why, option, "/body"};
    return false;
  }
  t->content_length = content_length;
  t->uses = t->head.uses() | t->body.uses();

  if (!t->head.HasSlots() && !t->body.HasSlots()) {
    // Only escapes ("{{{{"): the bytes are fixed after all.
    RenderState state;
    std::string scratch;
    t->Render(state, &out->bytes, &scratch);
    out->tmpl.reset();
    return true;
  }
  out->bytes.clear();
  out->bytes.shrink_to_fit();
  out->tmpl = std::move(t);
  return true;
}

}  // namespace sp::http
