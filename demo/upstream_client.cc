#include "demo/upstream_client.h"

#include <algorithm>
#include <istream>
#include <ostream>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include "demo/reply_api.h"

namespace sp::demo {
namespace {

using Clock = std::chrono::steady_clock;
using Outcome = UpstreamAnswer::Outcome;

// Poco bounds each connect, send and receive, not a call: before each step the socket gets
// what is left of the call's time, so the steps together stay within it.
void LimitTo(Poco::Net::HTTPClientSession& session, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
  Poco::Timespan t(std::max<Poco::Timespan::TimeDiff>(left.count(), 1000));  // >= 1 ms
  session.setTimeout(t, t, t);  // for a (re)connect
  if (session.connected()) {
    session.socket().setSendTimeout(t);
    session.socket().setReceiveTimeout(t);
  }
}

UpstreamAnswer Failed(Outcome outcome, std::string detail) {
  UpstreamAnswer answer;
  answer.outcome = outcome;
  answer.detail = std::move(detail);
  return answer;
}

// A socket error inside Poco's streams sets the stream's badbit and is kept by the session.
UpstreamAnswer FromNetworkException(const Poco::Net::HTTPClientSession& session,
                                    const std::string& what) {
  const Poco::Exception* e = session.networkException();
  if (e != nullptr && dynamic_cast<const Poco::TimeoutException*>(e) != nullptr) {
    return Failed(Outcome::kTimeout, what + ": timed out");
  }
  return Failed(Outcome::kError, what + ": " + (e ? e->displayText() : "connection lost"));
}

}  // namespace

bool ParseUpstreamUrl(const std::string& url, UpstreamTarget* target, std::string* err) {
  try {
    Poco::URI uri(url);
    if (uri.getScheme() != "http" || uri.getHost().empty() || !uri.getQuery().empty() ||
        !uri.getFragment().empty() || !uri.getUserInfo().empty()) {
      *err = "--upstream wants http://HOST:PORT[/PREFIX], got '" + url + "'";
      return false;
    }
    target->url = url;
    target->host = uri.getHost();
    target->port = uri.getPort();
    target->prefix = uri.getPath();
    while (!target->prefix.empty() && target->prefix.back() == '/') target->prefix.pop_back();
    return true;
  } catch (const Poco::Exception& e) {
    *err = "--upstream '" + url + "' is not a URL: " + e.displayText();
    return false;
  }
}

UpstreamClient::UpstreamClient(UpstreamTarget target, std::chrono::milliseconds timeout,
                               std::size_t max_idle)
    : target_(std::move(target)), timeout_(timeout), max_idle_(max_idle) {}

UpstreamClient::~UpstreamClient() = default;

std::unique_ptr<Poco::Net::HTTPClientSession> UpstreamClient::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      return session;
    }
  }
  // Not connected yet: the first sendRequest connects, within the call's time.
  auto session = std::make_unique<Poco::Net::HTTPClientSession>(target_.host, target_.port);
  session->setKeepAlive(true);
  return session;
}

void UpstreamClient::GiveBack(std::unique_ptr<Poco::Net::HTTPClientSession> session) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(session));
}

UpstreamAnswer UpstreamClient::Ask(const std::string& text) {
  using Poco::Net::HTTPRequest;
  using Poco::Net::HTTPResponse;
  const Clock::time_point deadline = Clock::now() + timeout_;
  const std::string timed_out = "no answer within " + std::to_string(timeout_.count()) + " ms";
  std::unique_ptr<Poco::Net::HTTPClientSession> session = Take();
  try {
    const std::string body = ReplyRequestJson(text);
    HTTPRequest request(HTTPRequest::HTTP_POST, target_.prefix + "/v1/reply",
                        HTTPRequest::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    LimitTo(*session, deadline);
    std::ostream& out = session->sendRequest(request);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    if (!out) return FromNetworkException(*session, "cannot send to the upstream");

    LimitTo(*session, deadline);
    HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    std::string answer_body;
    Poco::StreamCopier::copyToString(in, answer_body);
    if (in.bad()) return FromNetworkException(*session, "the upstream's answer broke off");
    if (Clock::now() > deadline) return Failed(Outcome::kTimeout, timed_out);
    if (response.getStatus() != HTTPResponse::HTTP_OK) {
      return Failed(Outcome::kError, "the upstream answered " +
                                         std::to_string(static_cast<int>(response.getStatus())) +
                                         " " + response.getReason());
    }
    UpstreamAnswer answer;
    std::string err;
    if (!ParseReplyResponse(answer_body, &answer.reply, &err)) {
      return Failed(Outcome::kError, err);
    }
    answer.outcome = Outcome::kOk;
    GiveBack(std::move(session));  // complete and in time: the connection is clean
    return answer;
  } catch (const Poco::TimeoutException&) {
    return Failed(Outcome::kTimeout, timed_out);
  } catch (const Poco::Exception& e) {
    return Failed(Outcome::kError, "upstream " + target_.url + ": " + e.displayText());
  } catch (const std::exception& e) {
    return Failed(Outcome::kError, "upstream " + target_.url + ": " + e.what());
  }
}

}  // namespace sp::demo
