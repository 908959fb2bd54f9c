// The Prometheus reporter: the run's live metrics (run_metrics.h) served in the text format on
// `listen:` at /metrics while the run goes (scrape_server.h), and kept there for `linger:`
// after the summary so a last scrape sees the final values; with `remote_write:`, the same
// series pushed after each document (remote_writer.h) and flushed at the end.
// docs/observability.md is the user's view: every series, its labels and the bucket layout.
#include <stressplan/reporter.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "lib/http1/syntax.h"
#include "plugins/common/descriptor.h"
#include "plugins/common/options.h"
#include "plugins/common/reporter_edge.h"
#include "plugins/reporters/common/report_file.h"
#include "plugins/reporters/prometheus/bucket_layout.h"
#include "plugins/reporters/prometheus/remote_write_encoding.h"
#include "plugins/reporters/prometheus/remote_writer.h"
#include "plugins/reporters/prometheus/run_metrics.h"
#include "plugins/reporters/prometheus/scrape_server.h"
#include "plugins/reporters/prometheus/text_format.h"

namespace {

using nlohmann::json;
using sp::http1::IEquals;
using sp::http1::IsFieldValue;  // no CR, LF or other control character: a header stays one
using sp::http1::IsToken;
using sp::plugin_common::FindOption;
using sp::plugin_common::OptionError;
using sp::plugin_common::OptionText;
using namespace sp::prometheus_reporter;

const sp_option_decl kOptions[] = {
    {"listen", SP_OPT_STRING, "127.0.0.1:9464", 0,
     "host:port to serve /metrics on while the run goes (port 0: any free port)"},
    {"buckets", SP_OPT_JSON, nullptr, 0,
     "latency and service-time histogram bounds in milliseconds, increasing "
     "(default [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000])"},
    {"linger", SP_OPT_DURATION, "0s", 0,
     "keep serving this long after the summary, so a last scrape sees the final values"},
    {"run_id", SP_OPT_STRING, nullptr, 0, "the run_id label (default: the run's start time)"},
    {"address_file", SP_OPT_PATH, nullptr, 0,
     "file to write the bound host:port to (relative paths go under --report)"},
    {"remote_write", SP_OPT_STRING, nullptr, 0,
     "http:// or https:// URL of a remote write receiver to push the series to, e.g. "
     "http://127.0.0.1:9090/api/v1/write"},
    {"remote_write_ca_file", SP_OPT_STRING, nullptr, 0,
     "https: an absolute path to PEM certificates to verify the receiver with (default: the "
     "system's)"},
    {"remote_write_username", SP_OPT_STRING, nullptr, 0,
     "basic authentication user for remote_write (with remote_write_password)"},
    {"remote_write_password", SP_OPT_STRING, nullptr, 0,
     "basic authentication password; write it as a ${VARIABLE} listed in secrets:"},
    {"remote_write_bearer_token", SP_OPT_STRING, nullptr, 0,
     "sent as Authorization: Bearer TOKEN; write it as a ${VARIABLE} listed in secrets:"},
    {"remote_write_headers", SP_OPT_JSON, nullptr, 0,
     "more headers for every push, a map of strings, e.g. {X-Scope-OrgID: team-a}"},
    {"remote_write_queue", SP_OPT_INT, "60", 0,
     "requests waiting to be pushed at most; when full the oldest is dropped (and counted)"},
    {"remote_write_flush", SP_OPT_DURATION, "10s", 0,
     "at the end, how long to wait for the queue to be pushed before dropping the rest"},
};

constexpr int64_t kMaxLingerNs = 3600'000'000'000;
constexpr char kListenOff[] = "off";

std::string Str(const sp_option_value* v) { return std::string(OptionText(v)); }

struct Settings {
  std::string listen;
  BucketLayout layout = BucketLayout::Default();
  int64_t linger_ns = 0;
  std::string run_id;
  std::string address_file;
  RemoteWriteConfig remote;  // url "" = no remote write
  int64_t flush_ns = 0;
};

// Headers every push sets itself: a user's would break the protocol.
bool IsReservedHeader(std::string_view name) {
  for (const char* r : {"host", "content-type", "content-encoding", "content-length",
                        "transfer-encoding", "x-prometheus-remote-write-version"}) {
    if (IEquals(name, r)) return true;
  }
  return false;
}

bool ReadHeaderMap(const sp_options* options, Settings* s, OptionError* err) {
  const sp_option_value* h = FindOption(options, "remote_write_headers");
  if (h == nullptr) return true;
  const json doc = json::parse(OptionText(h), nullptr, false);
  if (!doc.is_object()) {
    *err = {"remote_write_headers must be a map of header names to strings", "remote_write_headers",
            ""};
    return false;
  }
  for (const auto& [name, value] : doc.items()) {
    const std::string where = "/" + sp::plugin_common::JsonPointerToken(name);
    if (!IsToken(name) || !value.is_string() || !IsFieldValue(value.get<std::string>())) {
      *err = {"remote_write_headers: \"" + name +
                  "\" must be a header name with a string value without control characters",
              "remote_write_headers", where};
      return false;
    }
    if (IsReservedHeader(name)) {
      *err = {"remote_write_headers: " + name + " is set by every push itself", "remote_write_headers",
              where};
      return false;
    }
    s->remote.headers.emplace_back(name, value.get<std::string>());
  }
  return true;
}

// remote_write_headers, then the authorization options: Settings' remote.headers.
bool ReadRemoteHeaders(const sp_options* options, Settings* s, OptionError* err) {
  if (!ReadHeaderMap(options, s, err)) return false;
  const std::string user = Str(FindOption(options, "remote_write_username"));
  const std::string password = Str(FindOption(options, "remote_write_password"));
  const std::string token = Str(FindOption(options, "remote_write_bearer_token"));
  for (const auto& [option, value] : {std::pair{"remote_write_username", &user},
                                      {"remote_write_password", &password},
                                      {"remote_write_bearer_token", &token}}) {
    if (!IsFieldValue(*value)) {  // the value itself is never quoted: it may be a secret
      *err = {std::string(option) + " holds a control character (a line break?)", option, ""};
      return false;
    }
  }
  if (user.find(':') != std::string::npos) {
    *err = {"remote_write_username cannot hold ':' (basic authentication splits on it)",
            "remote_write_username", ""};
    return false;
  }
  const bool has_authorization =
      std::any_of(s->remote.headers.begin(), s->remote.headers.end(),
                  [](const auto& h) { return IEquals(h.first, "authorization"); });
  if (has_authorization && (!user.empty() || !token.empty())) {
    *err = {"remote_write_headers has Authorization, and remote_write_username or "
            "remote_write_bearer_token would replace it: choose one",
            "remote_write_headers", "/Authorization"};
    return false;
  }
  if (user.empty() != password.empty()) {
    *err = {"remote_write_username and remote_write_password go together",
            user.empty() ? "remote_write_password" : "remote_write_username", ""};
    return false;
  }
  if (!user.empty() && !token.empty()) {
    *err = {"remote_write_bearer_token and remote_write_username: choose one way to authenticate",
            "remote_write_bearer_token", ""};
    return false;
  }
  if (!user.empty())
    s->remote.headers.emplace_back("Authorization",
                                   RemoteWriter::BasicAuthorization(user, password));
  if (!token.empty()) s->remote.headers.emplace_back("Authorization", "Bearer " + token);
  return true;
}

bool ReadRemoteWrite(const sp_options* options, Settings* s, OptionError* err) {
  s->remote.url = Str(FindOption(options, "remote_write"));
  if (FindOption(options, "remote_write")) {
    const std::string why = RemoteWriter::CheckUrl(s->remote.url);
    if (!why.empty()) {
      *err = {why, "remote_write", ""};
      return false;
    }
  }
  s->remote.ca_file = Str(FindOption(options, "remote_write_ca_file"));
  if (const std::string why = RemoteWriter::CheckTls(s->remote.url, s->remote.ca_file);
      !why.empty()) {
    *err = {why, "remote_write_ca_file", ""};
    return false;
  }
  if (!ReadRemoteHeaders(options, s, err)) return false;
  const sp_option_value* queue = FindOption(options, "remote_write_queue");
  const int64_t limit = queue ? queue->i : 60;
  if (limit < 1 || limit > 100000) {
    *err = {"remote_write_queue must be between 1 and 100000", "remote_write_queue", ""};
    return false;
  }
  s->remote.queue_limit = static_cast<size_t>(limit);
  const sp_option_value* flush = FindOption(options, "remote_write_flush");
  s->flush_ns = flush ? flush->i : 0;
  if (s->flush_ns < 0 || s->flush_ns > kMaxLingerNs) {
    *err = {"remote_write_flush must be between 0s and 1h", "remote_write_flush", ""};
    return false;
  }
  return true;
}

bool ReadSettings(const sp_options* options, Settings* s, OptionError* err) {
  s->listen = Str(FindOption(options, "listen"));
  if (s->listen != kListenOff && s->listen.find(':') == std::string::npos) {
    *err = {"listen must be host:port, e.g. 127.0.0.1:9464, or off (got \"" + s->listen + "\")",
            "listen", ""};
    return false;
  }
  if (const sp_option_value* b = FindOption(options, "buckets")) {
    std::string why;
    if (!BucketLayout::Parse(OptionText(b), &s->layout, &why)) {
      *err = {why, "buckets", ""};
      return false;
    }
  }
  const sp_option_value* linger = FindOption(options, "linger");
  s->linger_ns = linger ? linger->i : 0;
  if (s->linger_ns < 0 || s->linger_ns > kMaxLingerNs) {
    *err = {"linger must be between 0s and 1h", "linger", ""};
    return false;
  }
  s->run_id = Str(FindOption(options, "run_id"));
  s->address_file = Str(FindOption(options, "address_file"));
  if (!s->address_file.empty()) {
    const std::string why = sp::reporters::CheckReportPath(s->address_file, "prometheus.address");
    if (!why.empty()) {
      *err = {why, "address_file", ""};
      return false;
    }
  }
  if (!ReadRemoteWrite(options, s, err)) return false;
  if (s->listen == kListenOff && s->remote.url.empty()) {
    *err = {"listen is off and there is no remote_write: the reporter would export nothing",
            "listen", ""};
    return false;
  }
  return true;
}

class PrometheusReporter {
 public:
  static std::unique_ptr<PrometheusReporter> FromOptions(const sp_options* options,
                                                         OptionError* err) {
    Settings s;
    if (!ReadSettings(options, &s, err)) return nullptr;
    return std::unique_ptr<PrometheusReporter>(new PrometheusReporter(std::move(s)));
  }

  bool Open(std::string* why) {
    try {
      if (!settings_.remote.url.empty()) remote_.emplace(settings_.remote);
      if (settings_.listen != kListenOff) server_.emplace(settings_.listen, text_);
    } catch (const std::exception& e) {
      *why = std::string("prometheus reporter: ") + e.what();
      return false;
    }
    if (settings_.address_file.empty() || !server_) return true;
    return sp::reporters::WriteReportFile(settings_.address_file, server_->address() + "\n", why);
  }

  void OnRunStart(json d) {
    metrics_.OnRunStart(d);
    Publish();
  }
  void OnSnapshot(json d) {
    metrics_.OnSnapshot(d);
    Publish();
  }
  void OnEvent(json) {}  // events are counted in the snapshots and the summary
  void OnSummary(json d) {
    metrics_.OnSummary(d);
    Publish();
  }

  // Lingers (serving the final values) and flushes the remote write queue at the same time.
  bool Finish(std::string* why) {
    const auto start = std::chrono::steady_clock::now();
    bool flushed = true;
    if (remote_) {
      flushed = remote_->Flush(std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::nanoseconds(settings_.flush_ns)));
    }
    std::this_thread::sleep_until(start + std::chrono::nanoseconds(settings_.linger_ns));
    server_.reset();
    // The counters are cumulative: the run's values reached the receiver when the last push
    // (the summary's) did, whatever happened to earlier ones.
    if (!remote_ || (flushed && remote_->last_delivered())) return true;
    const std::string refusal = remote_->last_refusal();
    const std::string last = remote_->last_error();
    if (!flushed) {
      *why = "remote write: the queue was not pushed within remote_write_flush; " +
             std::to_string(remote_->dropped()) + " requests dropped in all (is " +
             settings_.remote.url + " up?" + (last.empty() ? "" : " last error: " + last) + ")";
    } else if (!refusal.empty()) {
      *why = "remote write: " + settings_.remote.url + " refused " +
             std::to_string(remote_->refused()) + " of the pushes, the last values too (last: " +
             refusal + "); check remote_write's URL and credentials";
    } else {
      *why = "remote write: the run's last values were not delivered to " + settings_.remote.url +
             " (last error: " + last + ")";
    }
    return false;
  }

 private:
  explicit PrometheusReporter(Settings s)
      : settings_(std::move(s)), metrics_(settings_.layout, settings_.run_id) {}

  // The scrape text, and the remote write body with the writer's own counters in it.
  void Publish() {
    Exposition e = metrics_.Expose();
    if (remote_) {
      e.families.push_back(
          {"stressplan_remote_write_dropped_total",
           "counter",
           "Remote write requests dropped: queue full, refused or not sent in time.",
           {{"", {}, static_cast<double>(remote_->dropped())}}});
      // Strictly increasing: a receiver refuses a sample no newer than the series' last one.
      last_push_ms_ = std::max(NowMs(), last_push_ms_ + 1);
      remote_->Enqueue(RemoteWriteBody(e, last_push_ms_));
    }
    text_->Publish(TextExposition(e));
  }

  static int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  Settings settings_;
  RunMetrics metrics_;
  int64_t last_push_ms_ = 0;
  std::shared_ptr<PublishedText> text_ = std::make_shared<PublishedText>();
  std::optional<RemoteWriter> remote_;
  std::optional<ScrapeServer> server_;  // last: stopped before what it serves goes
};

constexpr char kWho[] = "prometheus reporter";
constexpr sp_reporter_vtable kVtable =
    sp::plugin_common::ReporterEdge<PrometheusReporter, kWho>::MakeVtable();

constexpr sp_plugin_descriptor kDescriptor = sp::plugin_common::MakeDescriptor(
    SP_KIND_REPORTER, "prometheus", "0.1.0",
    "serves the run's live metrics on /metrics in the Prometheus text format, and pushes them "
    "with remote write",
    kOptions, &kVtable);

}  // namespace

SP_PLUGIN_ENTRY { return &kDescriptor; }
