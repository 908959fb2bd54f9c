#include "core/services/health_check.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

namespace sp::services {

bool CheckHealthUrl(const std::string& url, std::string* err) {
  try {
    Poco::URI uri(url);
    if (uri.getScheme() != "http") {
      *err = "health_url '" + url + "' must start with http://";
      return false;
    }
    if (uri.getHost().empty()) {
      *err = "health_url '" + url + "' has no host";
      return false;
    }
    return true;
  } catch (const Poco::Exception& e) {
    *err = "health_url '" + url + "' is not a valid URL: " + e.displayText();
    return false;
  }
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
