#include "plugins/reporters/prometheus/remote_writer.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace sp::prometheus_reporter {

std::string RemoteWriter::CheckUrl(const std::string& url) {
  try {
    const Poco::URI uri(url);
    if (uri.getScheme() != "http" || uri.getHost().empty()) {
      return "remote_write must be an http:// URL, e.g. http://127.0.0.1:9090/api/v1/write (got "
             "\"" +
             url + "\")";
    }
  } catch (const Poco::Exception& e) {
    return "remote_write is not a URL: " + e.displayText();
  }
  return "";
}

RemoteWriter::RemoteWriter(RemoteWriteConfig config) : config_(std::move(config)) {
  const std::string why = CheckUrl(config_.url);
  if (!why.empty()) throw std::invalid_argument(why);
  const Poco::URI uri(config_.url);
  host_ = uri.getHost();
  port_ = uri.getPort();
  path_ = uri.getPathEtc().empty() ? "/" : uri.getPathEtc();
  thread_ = std::thread([this] { Loop(); });
}

RemoteWriter::~RemoteWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RemoteWriter::Enqueue(std::string body) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= config_.queue_limit) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(std::move(body));
  }
  wake_.notify_all();
}

bool RemoteWriter::Flush(std::chrono::milliseconds deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  const bool drained = wake_.wait_for(lock, deadline, [this] { return queue_.empty() && !busy_; });
  if (!drained) {
    dropped_ += queue_.size() + (busy_ ? 1 : 0);
    queue_.clear();
    stop_ = true;  // the body in flight is abandoned at its next retry
  }
  wake_.notify_all();
  return drained;
}

uint64_t RemoteWriter::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

uint64_t RemoteWriter::sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

void RemoteWriter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    std::string body = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    const bool ok = SendWithRetries(body);
    lock.lock();
    busy_ = false;
    if (ok)
      ++sent_;
    else if (!stop_)
      ++dropped_;  // a stop after a timed-out Flush counted it already
    wake_.notify_all();
  }
}

bool RemoteWriter::SendWithRetries(const std::string& body) {
  std::chrono::milliseconds backoff(100);
  for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
    const int outcome = PostOnce(body);
    if (outcome == 0) return true;
    if (outcome == 4 || attempt == config_.max_attempts) return false;
    if (!Backoff(backoff)) return false;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  return false;
}

int RemoteWriter::PostOnce(const std::string& body) {
  try {
    Poco::Net::HTTPClientSession session(host_, port_);
    session.setTimeout(Poco::Timespan(
        std::chrono::duration_cast<std::chrono::microseconds>(config_.timeout).count()));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path_,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/x-protobuf");
    request.set("Content-Encoding", "snappy");
    request.set("X-Prometheus-Remote-Write-Version", "0.1.0");
    request.set("User-Agent", "stressplan-prometheus-reporter");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request).write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Poco::NullOutputStream discard;
    Poco::StreamCopier::copyStream(in, discard);
    const int status = static_cast<int>(response.getStatus());
    if (status >= 200 && status < 300) return 0;
    // 429 Too Many Requests is worth retrying (the spec says so); other 4xx are refusals.
    return status >= 400 && status < 500 && status != 429 ? 4 : 5;
  } catch (const Poco::Exception&) {
    return 5;
  } catch (const std::exception&) {
    return 5;
  }
}

bool RemoteWriter::Backoff(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !wake_.wait_for(lock, d, [this] { return stop_; });
}

}  // namespace sp::prometheus_reporter
