#include "plugins/reporters/prometheus/remote_writer.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "lib/tls/peer_verify.h"

namespace sp::prometheus_reporter {

// Poco's Context makes the SSL_CTX (the trust store); the verification is then lib/tls's, the
// same as the HTTP target's (peer_verify.h says why not Poco's).
struct RemoteTls {
  Poco::Net::Context::Ptr context;
};

namespace {

std::shared_ptr<const RemoteTls> MakeTls(const std::string& host, const std::string& ca_file) {
  if (!ca_file.empty() && !std::filesystem::path(ca_file).is_absolute())
    throw std::invalid_argument("remote_write_ca_file must be an absolute path, e.g. "
                                "${PWD}/certs/ca.pem (got " + ca_file + ")");
  if (!ca_file.empty() && !std::filesystem::is_regular_file(ca_file))
    throw std::invalid_argument("remote_write_ca_file " + ca_file + " is not a file");
  Poco::Net::Context::Params params;
  params.caLocation = ca_file;
  params.loadDefaultCAs = ca_file.empty();
  params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
  params.cipherList = "DEFAULT";
  auto tls = std::make_shared<RemoteTls>();
  try {
    tls->context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("remote_write_ca_file " + ca_file +
                                " holds no usable certificate: " + e.displayText());
  }
  if (!sp::tls::VerifyPeer(tls->context->sslContext(), host))
    throw std::invalid_argument("cannot verify certificates against \"" + host + "\"");
  return tls;
}

}  // namespace

std::string RemoteWriter::CheckUrl(const std::string& url) {
  try {
    const Poco::URI uri(url);
    if ((uri.getScheme() != "http" && uri.getScheme() != "https") || uri.getHost().empty()) {
      return "remote_write must be an http:// or https:// URL, e.g. "
             "http://127.0.0.1:9090/api/v1/write (got \"" +
             url + "\")";
    }
    // Poco would ignore user:password@ and the URL is quoted in messages: credentials go in
    // remote_write_username / remote_write_password, which can be secrets.
    if (!uri.getUserInfo().empty())
      return "remote_write must not hold credentials (user:password@); use remote_write_username "
             "and remote_write_password";
  } catch (const Poco::Exception& e) {
    return "remote_write is not a URL: " + e.displayText();
  }
  return "";
}

std::string RemoteWriter::CheckTls(const std::string& url, const std::string& ca_file) {
  try {
    const Poco::URI uri(url);
    if (uri.getScheme() == "https") MakeTls(uri.getHost(), ca_file);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::string RemoteWriter::BasicAuthorization(const std::string& user, const std::string& password) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << user << ':' << password;
  encoder.close();
  return "Basic " + out.str();
}

RemoteWriter::RemoteWriter(RemoteWriteConfig config) : config_(std::move(config)) {
  const std::string why = CheckUrl(config_.url);
  if (!why.empty()) throw std::invalid_argument(why);
  const Poco::URI uri(config_.url);
  host_ = uri.getHost();
  port_ = uri.getPort();
  path_ = uri.getPathEtc().empty() ? "/" : uri.getPathEtc();
  if (uri.getScheme() == "https") tls_ = MakeTls(host_, config_.ca_file);
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

uint64_t RemoteWriter::refused() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refused_;
}

std::string RemoteWriter::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

std::string RemoteWriter::last_refusal() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_refusal_;
}

bool RemoteWriter::last_delivered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_delivered_;
}

void RemoteWriter::Failed(std::string why, bool refusal) {
  std::lock_guard<std::mutex> lock(mu_);
  if (refusal) last_refusal_ = why;
  last_error_ = std::move(why);
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
    last_delivered_ = ok;
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
    if (outcome == 4) {
      std::lock_guard<std::mutex> lock(mu_);
      ++refused_;
      return false;
    }
    if (attempt == config_.max_attempts) return false;
    if (!Backoff(backoff)) return false;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  return false;
}

int RemoteWriter::PostOnce(const std::string& body) {
  try {
    return Post(body);
  } catch (const Poco::Exception& e) {
    Failed(e.displayText());
  } catch (const std::exception& e) {
    Failed(e.what());
  } catch (...) {
    Failed("unknown error");
  }
  return 5;
}

int RemoteWriter::Post(const std::string& body) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (tls_)
    session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, tls_->context);
  else
    session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
  session->setTimeout(Poco::Timespan(
      std::chrono::duration_cast<std::chrono::microseconds>(config_.timeout).count()));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path_,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/x-protobuf");
  request.set("Content-Encoding", "snappy");
  request.set("X-Prometheus-Remote-Write-Version", "0.1.0");
  request.set("User-Agent", "stressplan-prometheus-reporter");
  for (const auto& [name, value] : config_.headers) request.set(name, value);
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  session->sendRequest(request).write(body.data(), static_cast<std::streamsize>(body.size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session->receiveResponse(response);
  Poco::NullOutputStream discard;
  Poco::StreamCopier::copyStream(in, discard);
  const int status = static_cast<int>(response.getStatus());
  if (status >= 200 && status < 300) return 0;
  // 429 Too Many Requests is worth retrying (the spec says so); other 4xx are refusals.
  const bool refusal = status >= 400 && status < 500 && status != 429;
  Failed(std::to_string(status) + " " + response.getReason(), refusal);
  return refusal ? 4 : 5;
}

bool RemoteWriter::Backoff(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !wake_.wait_for(lock, d, [this] { return stop_; });
}

}  // namespace sp::prometheus_reporter
