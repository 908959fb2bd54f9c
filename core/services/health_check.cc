#include "core/services/health_check.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include "core/plan/probe_check.h"

namespace sp::services {

bool CheckHealthUrl(const std::string& url, std::string* err) {
  return plan::CheckHttpUrl(url, "health_url", err);
}

bool HttpGetOk(const std::string& url, std::chrono::milliseconds timeout, std::string* err) {
  try {
    Poco::URI uri(url);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    Poco::Timespan span(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000);
    session.setTimeout(span, span, span);
    session.setKeepAlive(false);
    std::string target = uri.getPathAndQuery();
    if (target.empty()) target = "/";
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    // Only the status matters; the body is left unread and the connection closed.
    session.receiveResponse(response);
    int status = static_cast<int>(response.getStatus());
    if (status >= 200 && status < 300) return true;
    *err = "HTTP " + std::to_string(status) + " " + response.getReason();
    return false;
  } catch (const Poco::Exception& e) {
    *err = e.displayText();
    return false;
  }
}

}  // namespace sp::services
