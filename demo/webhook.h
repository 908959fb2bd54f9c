// The chatbot: turns a Telegram-style Update into the bot's answer. No HTTP here: where the
// reply text comes from (ReplyTo here, or the upstream behind its circuit breaker) is passed in.
#pragma once

#include <functional>
#include <string>

namespace sp::demo {

struct WebhookResult {
  int status = 200;  // 200; 400 for a body that is not a valid Update; else the BotReply's
  std::string body;  // JSON
};

// The reply to one message text: 200 and the text, or an error status (502, 503, 504) and the
// error message that goes into {"ok":false,"error":...}.
struct BotReply {
  int status = 200;
  std::string text;
};
using ReplySource = std::function<BotReply(const std::string& text)>;

// `body` is the POSTed JSON, e.g. {"update_id":1,"message":{"chat":{"id":5},"text":"hi"}}.
// 200: {"ok":true,"update_id":1,"chat_id":5,"reply":"You said: hi"} (chat_id null when the
// update has no message). 400: {"ok":false,"error":"..."} when the body is not JSON, not an
// object, or has no integer update_id.
WebhookResult HandleUpdate(const std::string& body);

// The same, with the reply to a text message from `reply` (called only for an Update that has
// one). A non-200 BotReply becomes {status, {"ok":false,"error":text}}.
WebhookResult HandleUpdate(const std::string& body, const ReplySource& reply);

// The bot's answer to a message text: /start and /help get fixed texts, anything else is
// echoed.
std::string ReplyTo(const std::string& text);

}  // namespace sp::demo
