// The wire format of the upstream's "LLM-like" API, POST /v1/reply, shared by the upstream role
// (which serves it) and the webhook's upstream client (which calls it), so both ends agree:
//   request   {"text":"hi"}
//   response  200 {"reply":"You said: hi"}; 400 {"error":"..."} for a bad request
#pragma once

#include <string>

namespace sp::demo {

std::string ReplyRequestJson(const std::string& text);

// The upstream role's answer to a request body: status 200 or 400, and the JSON to send.
struct ReplyApiAnswer {
  int status = 200;
  std::string body;
};
ReplyApiAnswer AnswerReplyRequest(const std::string& body);

// The "reply" of a 200 answer. False with *err when the body is not {"reply": string}.
bool ParseReplyResponse(const std::string& body, std::string* reply, std::string* err);

}  // namespace sp::demo
