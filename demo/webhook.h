// The chatbot: turns a Telegram-style Update into the bot's answer. No HTTP here, so an
// upstream call (and its circuit breaker) can later be added around it.
#pragma once

#include <string>

namespace sp::demo {

struct WebhookResult {
  int status = 200;  // 200, or 400 for a body that is not a valid Update
  std::string body;  // JSON
};

// `body` is the POSTed JSON, e.g. {"update_id":1,"message":{"chat":{"id":5},"text":"hi"}}.
// 200: {"ok":true,"update_id":1,"chat_id":5,"reply":"You said: hi"} (chat_id null when the
// update has no message). 400: {"ok":false,"error":"..."} when the body is not JSON, not an
// object, or has no integer update_id.
WebhookResult HandleUpdate(const std::string& body);

// The bot's answer to a message text: /start and /help get fixed texts, anything else is
// echoed.
std::string ReplyTo(const std::string& text);

}  // namespace sp::demo
