#include "core/chaos/probe.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "lib/jsonpath/json_path.h"

namespace sp::chaos {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr size_t kMaxHead = 64 * 1024;
constexpr size_t kMaxBody = 4 * 1024 * 1024;

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// At most `n` characters of `s` for a message, control characters shown as spaces.
std::string Snippet(std::string_view s, size_t n = 80) {
  std::string out;
  for (char c : s.substr(0, n)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (s.size() > n) out += "...";
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool CheckUrl(const std::string& url, Poco::URI* out, std::string* err) {
  try {
    Poco::URI uri(url);
    if (uri.getScheme() == "https") {
      *err = "url '" + url + "': https:// is not supported by HTTP probes; use http://";
      return false;
    }
    if (uri.getScheme() != "http") {
      *err = "url '" + url + "' must start with http://";
      return false;
    }
    if (uri.getHost().empty()) {
      *err = "url '" + url + "' has no host";
      return false;
    }
    if (out != nullptr) *out = uri;
    return true;
  } catch (const Poco::Exception& e) {
    *err = "url '" + url + "' is not a valid URL: " + e.displayText();
    return false;
  }
}

struct Head {
  int status = 0;
  std::string reason;
  bool chunked = false;
  long long content_length = -1;
  size_t size = 0;  // bytes of the head, blank line included
};

// Parses the status line and headers ending at `end` (the index of "\r\n\r\n").
bool ParseHead(std::string_view data, size_t end, Head* head, std::string* err) {
  std::string_view text = data.substr(0, end);
  size_t eol = text.find("\r\n");
  std::string_view status_line = text.substr(0, eol);
  if (status_line.substr(0, 7) != "HTTP/1." || status_line.size() < 12 ||
      status_line[8] != ' ' || !std::isdigit(static_cast<unsigned char>(status_line[9])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[10])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[11]))) {
    *err = "not an HTTP/1.x answer: '" + Snippet(status_line) + "'";
    return false;
  }
  *head = Head();
  head->status = std::stoi(std::string(status_line.substr(9, 3)));
  if (status_line.size() > 13) head->reason = std::string(status_line.substr(13));
  head->size = end + 4;
  size_t pos = eol == std::string_view::npos ? text.size() : eol + 2;
  while (pos < text.size()) {
    size_t next = text.find("\r\n", pos);
    if (next == std::string_view::npos) next = text.size();
    std::string_view line = text.substr(pos, next - pos);
    pos = next + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (IEquals(name, "transfer-encoding")) {
      std::string v(value);
      std::transform(v.begin(), v.end(), v.begin(), ::tolower);
      head->chunked = v.find("chunked") != std::string::npos;
    } else if (IEquals(name, "content-length")) {
      try {
        head->content_length = std::stoll(std::string(value));
      } catch (const std::exception&) {
        head->content_length = -2;
      }
      if (head->content_length < 0) {
        *err = "invalid Content-Length '" + Snippet(value) + "'";
        return false;
      }
    }
  }
  return true;
}

enum class Chunks { Incomplete, Done, Bad };

// Decodes a whole chunked body (extensions and trailers ignored).
Chunks DecodeChunked(std::string_view data, std::string* out) {
  out->clear();
  size_t pos = 0;
  for (;;) {
    size_t eol = data.find("\r\n", pos);
    if (eol == std::string_view::npos) return Chunks::Incomplete;
    std::string_view size_text = data.substr(pos, eol - pos);
    size_text = size_text.substr(0, size_text.find(';'));
    while (!size_text.empty() && size_text.back() == ' ') size_text.remove_suffix(1);
    if (size_text.empty() || size_text.size() > 8) return Chunks::Bad;
    size_t size = 0;
    for (char c : size_text) {
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
              : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                          : -1;
      if (d < 0) return Chunks::Bad;
      size = size * 16 + static_cast<size_t>(d);
    }
    pos = eol + 2;
    if (size == 0) {
      for (;;) {  // trailers up to the blank line
        size_t end = data.find("\r\n", pos);
        if (end == std::string_view::npos) return Chunks::Incomplete;
        if (end == pos) return Chunks::Done;
        pos = end + 2;
      }
    }
    if (data.size() < pos + size + 2) return Chunks::Incomplete;
    if (data.substr(pos + size, 2) != "\r\n") return Chunks::Bad;
    out->append(data.substr(pos, size));
    pos += size + 2;
  }
}

struct Exchange {
  bool answered = false;  // a complete response was read
  bool timed_out = false;
  Head head;
  std::string body;
  std::string failure;    // observed text when !answered ("connection refused", ...)
  std::string detail;     // the longer explanation
};

Poco::Timespan Remaining(Clock::time_point deadline) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count();
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::max<long long>(us, 0)));
}

void Talk(const HttpProbeSpec& spec, const Poco::URI& uri, Clock::time_point deadline,
          Exchange* ex) {
  auto timeout = [&](const std::string& what) {
    ex->timed_out = true;
    ex->failure = "timeout after " + Seconds(spec.timeout_s) + " s";
    ex->detail = what;
  };
  Poco::Net::StreamSocket socket;
  try {
    Poco::Net::SocketAddress address(uri.getHost(), uri.getPort());
    Poco::Timespan left = Remaining(deadline);
    if (left.totalMicroseconds() <= 0) return timeout("no time left to connect");
    socket.connect(address, left);
  } catch (const Poco::TimeoutException&) {
    return timeout("could not connect within the timeout");
  } catch (const Poco::Net::ConnectionRefusedException&) {
    ex->failure = "connection refused";
    ex->detail = "nothing accepts connections at " + uri.getHost() + ":" +
                 std::to_string(uri.getPort());
    return;
  } catch (const Poco::Net::HostNotFoundException& e) {
    ex->failure = "host not found";
    ex->detail = e.displayText();
    return;
  } catch (const Poco::Exception& e) {
    ex->failure = "connect failed";
    ex->detail = e.displayText();
    return;
  }

  std::string target = uri.getPathAndQuery();
  if (target.empty()) target = "/";
  std::string request = spec.method + " " + target + " HTTP/1.1\r\n";
  bool has_host = false, has_agent = false;
  for (const auto& [name, value] : spec.headers) {
    if (IEquals(name, "content-length") || IEquals(name, "connection")) continue;
    has_host |= IEquals(name, "host");
    has_agent |= IEquals(name, "user-agent");
    request += name + ": " + value + "\r\n";
  }
  if (!has_host) {
    request += "Host: " + uri.getHost();
    if (uri.getPort() != 80) request += ":" + std::to_string(uri.getPort());
    request += "\r\n";
  }
  if (!has_agent) request += "User-Agent: stressplan-probe\r\n";
  if (!spec.body.empty() || spec.method == "POST" || spec.method == "PUT" ||
      spec.method == "PATCH") {
    request += "Content-Length: " + std::to_string(spec.body.size()) + "\r\n";
  }
  request += "Connection: close\r\n\r\n";
  request += spec.body;

  std::string data;
  bool have_head = false;
  try {
    size_t sent = 0;
    while (sent < request.size()) {
      Poco::Timespan left = Remaining(deadline);
      if (left.totalMicroseconds() <= 0 ||
          !socket.poll(left, Poco::Net::Socket::SELECT_WRITE)) {
        return timeout("the request could not be sent within the timeout");
      }
      int n = socket.sendBytes(request.data() + sent, static_cast<int>(request.size() - sent));
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }

    bool no_body = false;
    char buf[16384];
    for (;;) {
      // Is what we have a complete answer?
      if (!have_head) {
        size_t end = data.find("\r\n\r\n");
        if (end != std::string::npos) {
          std::string err;
          if (!ParseHead(data, end, &ex->head, &err)) {
            ex->failure = "bad answer";
            ex->detail = err;
            return;
          }
          if (ex->head.status >= 100 && ex->head.status < 200) {  // 100 Continue and the like
            data.erase(0, ex->head.size);
            continue;
          }
          have_head = true;
          data.erase(0, ex->head.size);
          no_body = spec.method == "HEAD" || ex->head.status == 204 || ex->head.status == 304;
        } else if (data.size() > kMaxHead) {
          ex->failure = "bad answer";
          ex->detail = "the response head is larger than 64 KiB";
          return;
        }
      }
      if (have_head) {
        if (no_body || (!ex->head.chunked && ex->head.content_length >= 0 &&
                        data.size() >= static_cast<size_t>(ex->head.content_length))) {
          if (no_body) data.clear();
          if (ex->head.content_length >= 0) {
            data.resize(std::min(data.size(), static_cast<size_t>(ex->head.content_length)));
          }
          ex->body = std::move(data);
          ex->answered = true;
          return;
        }
        // A chunked body always ends with "\r\n\r\n"; decode only then.
        if (ex->head.chunked && data.size() >= 5 &&
            data.compare(data.size() - 4, 4, "\r\n\r\n") == 0) {
          Chunks c = DecodeChunked(data, &ex->body);
          if (c == Chunks::Done) {
            ex->answered = true;
            return;
          }
          if (c == Chunks::Bad) {
            ex->failure = "bad answer";
            ex->detail = "malformed chunked body";
            return;
          }
        }
        if (data.size() > kMaxBody) {
          ex->failure = "body too large";
          ex->detail = "the response body is larger than 4 MiB";
          return;
        }
      }
      Poco::Timespan left = Remaining(deadline);
      if (left.totalMicroseconds() <= 0 || !socket.poll(left, Poco::Net::Socket::SELECT_READ)) {
        if (have_head) {
          ex->failure = "status " + std::to_string(ex->head.status) + ", timeout after " +
                        Seconds(spec.timeout_s) + " s reading the body";
          ex->timed_out = true;
          ex->detail = "the body did not arrive within the timeout";
          return;
        }
        return timeout(data.empty() ? "no answer within the timeout"
                                    : "the answer was incomplete at the timeout");
      }
      int n = socket.receiveBytes(buf, sizeof buf);
      if (n <= 0) break;  // the server closed the connection
      data.append(buf, static_cast<size_t>(n));
    }
  } catch (const Poco::TimeoutException&) {
    return timeout("the exchange did not finish within the timeout");
  } catch (const Poco::Net::ConnectionResetException& e) {
    ex->failure = "connection reset";
    ex->detail = e.displayText();
    return;
  } catch (const Poco::Exception& e) {
    ex->failure = "connection error";
    ex->detail = e.displayText();
    return;
  }

  // The server closed the connection.
  if (!have_head) {
    ex->failure = data.empty() ? "connection closed without an answer"
                               : "connection closed in the middle of the response head";
    ex->detail = ex->failure;
    return;
  }
  if (ex->head.chunked) {
    ex->failure = "connection closed in the middle of a chunked body";
    ex->detail = ex->failure;
    return;
  }
  if (ex->head.content_length >= 0 &&
      data.size() < static_cast<size_t>(ex->head.content_length)) {
    ex->failure = "connection closed after " + std::to_string(data.size()) + " of " +
                  std::to_string(ex->head.content_length) + " body bytes";
    ex->detail = ex->failure;
    return;
  }
  ex->body = std::move(data);  // a body delimited by the end of the connection
  ex->answered = true;
}

std::string StatusList(const std::vector<int>& statuses) {
  if (statuses.empty()) return "2xx";
  std::string out = statuses.size() > 1 ? "one of " : "";
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(statuses[i]);
  }
  return out;
}

}  // namespace

bool CheckHttpProbe(const HttpProbeSpec& spec, std::string* err) {
  if (!CheckUrl(spec.url, nullptr, err)) return false;
  if (!IsToken(spec.method)) {
    *err = "method '" + spec.method + "' is not an HTTP method name";
    return false;
  }
  for (const auto& [name, value] : spec.headers) {
    if (!IsToken(name)) {
      *err = "headers: '" + name + "' is not a valid header name";
      return false;
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
      *err = "headers: the value of '" + name + "' contains a line break";
      return false;
    }
  }
  for (int s : spec.statuses) {
    if (s < 100 || s > 599) {
      *err = "statuses: " + std::to_string(s) + " is not an HTTP status (100-599)";
      return false;
    }
  }
  if (!(spec.timeout_s > 0) || !std::isfinite(spec.timeout_s)) {
    *err = "timeout_s must be a positive number of seconds";
    return false;
  }
  jsonpath::JsonPath path;
  std::string why;
  if (!path.Parse(spec.json_path, &why)) {
    *err = "json_path " + why;
    return false;
  }
  if (spec.json_equals && !json::accept(*spec.json_equals)) {
    *err = "json_equals '" + Snippet(*spec.json_equals) +
           "' is not valid JSON (a string needs quotes: \"\\\"ok\\\"\")";
    return false;
  }
  return true;
}

bool HttpGetText(const std::string& url, double timeout_s, std::string* body, std::string* err) {
  HttpProbeSpec spec;
  spec.url = url;
  spec.timeout_s = timeout_s;
  Poco::URI uri;
  if (!CheckUrl(url, &uri, err)) return false;
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  Exchange ex;
  try {
    Talk(spec, uri, deadline, &ex);
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
  if (!ex.answered) {
    *err = ex.failure + ": " + ex.detail;
    return false;
  }
  if (ex.head.status < 200 || ex.head.status >= 300) {
    *err = "HTTP " + std::to_string(ex.head.status);
    return false;
  }
  *body = std::move(ex.body);
  return true;
}

ProbeResult RunHttpProbe(const HttpProbeSpec& spec) {
  ProbeResult r;
  std::string err;
  Poco::URI uri;
  if (!CheckHttpProbe(spec, &err) || !CheckUrl(spec.url, &uri, &err)) {
    r.observed = "invalid probe";
    r.message = "The probe is invalid: " + err + ".";
    return r;
  }
  const std::string what = spec.method + " " + spec.url;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(spec.timeout_s));
  Exchange ex;
  try {
    Talk(spec, uri, deadline, &ex);
  } catch (const std::exception& e) {  // nothing escapes a probe
    ex.answered = false;
    ex.failure = "error";
    ex.detail = e.what();
  }
  r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  r.status = ex.head.status;
  if (!ex.answered) {
    r.observed = ex.failure;
    r.message = what + " failed: " + ex.detail + ".";
    return r;
  }

  const int status = ex.head.status;
  r.observed = "status " + std::to_string(status);
  bool status_ok = spec.statuses.empty()
                       ? status >= 200 && status < 300
                       : std::find(spec.statuses.begin(), spec.statuses.end(), status) !=
                             spec.statuses.end();
  if (!status_ok) {
    r.message = what + " answered " + std::to_string(status) +
                (ex.head.reason.empty() ? "" : " " + ex.head.reason) + "; expected " +
                StatusList(spec.statuses) + ".";
    return r;
  }
  if (!spec.body_contains.empty() && ex.body.find(spec.body_contains) == std::string::npos) {
    r.observed += ", body: " + Snippet(ex.body);
    r.message = "The body of " + what + " does not contain \"" + Snippet(spec.body_contains) +
                "\".";
    return r;
  }
  if (!spec.json_path.empty() || spec.json_equals) {
    const std::string label = spec.json_path.empty() ? "$" : spec.json_path;
    json doc = json::parse(ex.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      r.observed += ", body not JSON: " + Snippet(ex.body);
      r.message = "The body of " + what + " is not JSON, so " + label + " cannot be read.";
      return r;
    }
    jsonpath::JsonPath path;
    path.Parse(spec.json_path, &err);  // checked above
    const json* value = path.Find(doc);
    if (value == nullptr) {
      r.observed = label + " missing";
      r.message = "The JSON body of " + what + " has no " + label + ".";
      return r;
    }
    r.observed = label + " = " + Snippet(value->dump(), 200);
    if (spec.json_equals) {
      json expected = json::parse(*spec.json_equals);
      if (*value != expected) {
        r.message = what + ": expected " + label + " = " + Snippet(expected.dump(), 200) +
                    ", got " + Snippet(value->dump(), 200) + ".";
        return r;
      }
    }
  }
  r.ok = true;
  return r;
}

}  // namespace sp::chaos
