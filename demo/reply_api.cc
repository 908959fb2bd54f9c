#include "demo/reply_api.h"

#include <nlohmann/json.hpp>

#include "demo/webhook.h"

namespace sp::demo {
namespace {

// Invalid UTF-8 in a text is replaced rather than thrown on: a load test sends what it likes.
std::string Dump(const nlohmann::json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string ReplyRequestJson(const std::string& text) { return Dump({{"text", text}}); }

ReplyApiAnswer AnswerReplyRequest(const std::string& body) {
  nlohmann::json request = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded() || !request.is_object()) {
    return {400, Dump({{"error", "the body must be a JSON object"}})};
  }
  auto text = request.find("text");
  if (text == request.end() || !text->is_string()) {
    return {400, Dump({{"error", "the request needs a string \"text\""}})};
  }
  // The same bot as the webhook without upstream, so a reply reads the same either way.
  return {200, Dump({{"reply", ReplyTo(text->get<std::string>())}})};
}

bool ParseReplyResponse(const std::string& body, std::string* reply, std::string* err) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    *err = "the upstream's answer is not a JSON object";
    return false;
  }
  auto r = doc.find("reply");
  if (r == doc.end() || !r->is_string()) {
    *err = "the upstream's answer has no string \"reply\"";
    return false;
  }
  *reply = r->get<std::string>();
  return true;
}

}  // namespace sp::demo
