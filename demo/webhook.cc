#include "demo/webhook.h"

#include <utility>

#include <nlohmann/json.hpp>

namespace sp::demo {
namespace {

WebhookResult BadRequest(const std::string& error) {
  return {400, nlohmann::json{{"ok", false}, {"error", error}}.dump()};
}

}  // namespace

std::string ReplyTo(const std::string& text) {
  if (text == "/start") return "Hello! I am the stressplan demo bot. Send me any text.";
  if (text == "/help") return "I echo what you send. Commands: /start, /help.";
  return "You said: " + text;
}

WebhookResult HandleUpdate(const std::string& body) {
  return HandleUpdate(body, [](const std::string& text) { return BotReply{200, ReplyTo(text)}; });
}

WebhookResult HandleUpdate(const std::string& body, const ReplySource& reply_source) {
  nlohmann::json update = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (update.is_discarded()) return BadRequest("the body is not valid JSON");
  if (!update.is_object()) return BadRequest("the update must be a JSON object");
  auto id = update.find("update_id");
  if (id == update.end() || !id->is_number_integer()) {
    return BadRequest("the update needs an integer update_id");
  }

  nlohmann::json chat_id = nullptr;
  std::string reply = "I can only read text messages.";
  auto message = update.find("message");
  if (message != update.end() && message->is_object()) {
    auto chat = message->find("chat");
    if (chat != message->end() && chat->is_object()) {
      auto cid = chat->find("id");
      if (cid != chat->end() && cid->is_number_integer()) chat_id = *cid;
    }
    auto text = message->find("text");
    if (text != message->end() && text->is_string()) {
      BotReply answer = reply_source(text->get<std::string>());
      if (answer.status != 200) {
        return {answer.status, nlohmann::json{{"ok", false}, {"error", answer.text}}.dump(
                                   -1, ' ', false, nlohmann::json::error_handler_t::replace)};
      }
      reply = std::move(answer.text);
    }
  }
  nlohmann::json answer = {
      {"ok", true}, {"update_id", *id}, {"chat_id", chat_id}, {"reply", reply}};
  return {200, answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace sp::demo
