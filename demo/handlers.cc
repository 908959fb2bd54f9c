#include "demo/handlers.h"

#include <istream>
#include <string>

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <nlohmann/json.hpp>

#include "demo/metrics.h"
#include "demo/reply_api.h"
#include "demo/webhook.h"

namespace sp::demo {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

std::string ErrorJson(const std::string& error) {
  return nlohmann::json{{"ok", false}, {"error", error}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Each role serves its own API; the other role's path is unknown to it (404, "other").
Route RouteOf(const std::string& uri, Role role) {
  std::string path = uri.substr(0, uri.find('?'));
  if (path == "/webhook" && role == Role::kWebhook) return Route::kWebhook;
  if (path == "/v1/reply" && role == Role::kUpstream) return Route::kReply;
  if (path == "/health") return Route::kHealth;
  if (path == "/stats") return Route::kStats;
  if (path == "/metrics") return Route::kMetrics;
  return Route::kOther;
}

// Reads the whole request body, so the next request on a keep-alive connection starts at
// the right byte. False when it is larger than `limit`.
bool ReadBody(HTTPServerRequest& request, std::size_t limit, std::string* body) {
  // Without Content-Length or chunked encoding a request has no body (RFC 9112 6.3); Poco
  // would read until the client closes.
  if (!request.getChunkedTransferEncoding() && !request.hasContentLength()) return true;
  if (request.hasContentLength() &&
      request.getContentLength64() > static_cast<Poco::Int64>(limit)) {
    return false;
  }
  std::istream& in = request.stream();
  char buf[8192];
  while (in) {
    in.read(buf, sizeof buf);
    body->append(buf, static_cast<std::size_t>(in.gcount()));
    if (body->size() > limit) return false;
  }
  return true;
}

class RouteHandler : public Poco::Net::HTTPRequestHandler {
 public:
  RouteHandler(Route route, Stats* stats, StopSignal* stop, const HandlerConfig& config)
      : route_(route), stats_(stats), stop_(stop), config_(config) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    std::string body;
    if (!ReadBody(request, config_.max_body, &body)) {
      response.setKeepAlive(false);  // the rest of the body is not read: close
      Send(response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE,
           ErrorJson("the body is larger than " + std::to_string(config_.max_body) + " bytes"));
      return;
    }
    const std::string& method = request.getMethod();
    switch (route_) {
      case Route::kWebhook:
        if (method != HTTPRequest::HTTP_POST) return MethodNotAllowed(response, "POST");
        if (config_.latency.count() > 0) stop_->SleepFor(config_.latency);
        return Webhook(body, response);
      case Route::kReply: {
        if (method != HTTPRequest::HTTP_POST) return MethodNotAllowed(response, "POST");
        if (config_.latency.count() > 0) stop_->SleepFor(config_.latency);
        ReplyApiAnswer answer = AnswerReplyRequest(body);
        Send(response, static_cast<HTTPResponse::HTTPStatus>(answer.status), answer.body);
        return;
      }
      case Route::kHealth:
        if (method != HTTPRequest::HTTP_GET) return MethodNotAllowed(response, "GET");
        Send(response, HTTPResponse::HTTP_OK, R"({"status":"ok"})");
        return;
      case Route::kMetrics: {
        if (method != HTTPRequest::HTTP_GET) return MethodNotAllowed(response, "GET");
        CircuitCounts circuit;
        if (config_.upstream) circuit = config_.upstream->Counts();
        Send(response, HTTPResponse::HTTP_OK,
             PrometheusText(*stats_, config_.upstream ? &circuit : nullptr),
             kPrometheusContentType);
        return;
      }
      case Route::kStats:
        if (method != HTTPRequest::HTTP_GET) return MethodNotAllowed(response, "GET");
        if (config_.upstream) {
          CircuitCounts circuit = config_.upstream->Counts();
          Send(response, HTTPResponse::HTTP_OK, stats_->ToJson(&circuit));
        } else {
          Send(response, HTTPResponse::HTTP_OK, stats_->ToJson());
        }
        return;
      case Route::kOther:
        Send(response, HTTPResponse::HTTP_NOT_FOUND,
             ErrorJson("no route for " + request.getURI()));
        return;
    }
  }

 private:
  // With an upstream, the reply comes from it through the breaker, and the answer says which
  // state the circuit is in after this request's call (Send() adds the state for the rest).
  void Webhook(const std::string& body, HTTPServerResponse& response) {
    if (config_.upstream == nullptr) {
      WebhookResult result = HandleUpdate(body);
      Send(response, static_cast<HTTPResponse::HTTPStatus>(result.status), result.body);
      return;
    }
    WebhookResult result = HandleUpdate(body, [&](const std::string& text) {
      CircuitState state = CircuitState::kClosed;
      BotReply reply = config_.upstream->Ask(text, &state);
      response.set("X-Circuit-State", CircuitStateName(state));
      return reply;
    });
    Send(response, static_cast<HTTPResponse::HTTPStatus>(result.status), result.body);
  }

  void MethodNotAllowed(HTTPServerResponse& response, const std::string& allow) {
    response.set("Allow", allow);
    Send(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
         ErrorJson("method not allowed; use " + allow));
  }

  // Counted before sending: once a client has the response, /stats includes it.
  void Send(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
            const std::string& body, const char* content_type = "application/json") {
    // Every /webhook answer (400, 405, 413 too) tells a client watching the breaker its state.
    if (route_ == Route::kWebhook && config_.upstream && !response.has("X-Circuit-State")) {
      response.set("X-Circuit-State", CircuitStateName(config_.upstream->state()));
    }
    stats_->Count(route_, static_cast<int>(status));
    response.setStatusAndReason(status);
    response.setContentType(content_type);
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.sendBuffer(body.data(), body.size());
  }

  Route route_;
  Stats* stats_;
  StopSignal* stop_;
  const HandlerConfig& config_;
};

}  // namespace

void StopSignal::Trigger() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

bool StopSignal::SleepFor(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopped_; });
}

HandlerFactory::HandlerFactory(Stats* stats, StopSignal* stop, HandlerConfig config)
    : stats_(stats), stop_(stop), config_(config) {}

void HandlerFactory::ServerStopped() {
  const bool abort_current = false;
  serverStopped(this, abort_current);
}

Poco::Net::HTTPRequestHandler* HandlerFactory::createRequestHandler(
    const HTTPServerRequest& request) {
  return new RouteHandler(RouteOf(request.getURI(), config_.role), stats_, stop_, config_);
}

}  // namespace sp::demo
