#include "demo/options.h"

#include <charconv>
#include <set>
#include <vector>

namespace sp::demo {
namespace {

bool ParseInt(const std::string& flag, const std::string& text, long min, long max, long* out,
              std::string* err) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    *err = flag + " wants an integer from " + std::to_string(min) + " to " +
           std::to_string(max) + ", got '" + text + "'";
    return false;
  }
  *out = value;
  return true;
}

// "250" and "250ms" are milliseconds, "5s" seconds, "2m" minutes; min_ms..max_ms.
bool ParseDuration(const std::string& flag, const std::string& text, long min_ms, long max_ms,
                   std::chrono::milliseconds* out, std::string* err) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string unit(end, text.data() + text.size());
  long scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60000;
  if (ec != std::errc() || end == text.data() || scale == 0 || value < 0 ||
      value > max_ms / scale || value * scale < min_ms) {
    *err = flag + " wants a duration from " + std::to_string(min_ms) + "ms to " +
           std::to_string(max_ms / 1000) + "s (e.g. 250ms, 5s; a bare number is ms), got '" +
           text + "'";
    return false;
  }
  *out = std::chrono::milliseconds(value * scale);
  return true;
}

const std::set<std::string> kUpstreamFlags = {
    "--upstream-timeout",     "--breaker-window",    "--breaker-min-calls",
    "--breaker-failure-rate", "--breaker-slow-call", "--breaker-open",
    "--breaker-half-open-calls"};

const std::set<std::string> kKnownFlags = [] {
  std::set<std::string> known = {"--host",    "--port",  "--latency",    "--threads",
                                 "--queue",   "--role",  "--stats-file", "--upstream"};
  known.insert(kUpstreamFlags.begin(), kUpstreamFlags.end());
  return known;
}();

// One flag's value into *options.
bool Apply(const std::string& flag, const std::string& value, Options* options,
           std::string* err) {
  long n = 0;
  BreakerConfig& b = options->breaker;
  if (flag == "--host") {
    if (value.empty()) {
      *err = "--host needs an address";
      return false;
    }
    options->server.host = value;
  } else if (flag == "--port") {
    if (!ParseInt(flag, value, 0, 65535, &n, err)) return false;
    options->server.port = static_cast<std::uint16_t>(n);
  } else if (flag == "--latency") {
    return ParseDuration(flag, value, 0, 600000, &options->server.latency, err);
  } else if (flag == "--threads") {
    if (!ParseInt(flag, value, 1, 10000, &n, err)) return false;
    options->server.threads = static_cast<int>(n);
  } else if (flag == "--queue") {
    if (!ParseInt(flag, value, 1, 100000, &n, err)) return false;
    options->server.max_queued = static_cast<int>(n);
  } else if (flag == "--role") {
    if (value != "webhook" && value != "upstream") {
      *err = "--role wants webhook or upstream, got '" + value + "'";
      return false;
    }
    options->server.role = value == "upstream" ? Role::kUpstream : Role::kWebhook;
  } else if (flag == "--upstream") {
    options->has_upstream = true;
    return ParseUpstreamUrl(value, &options->upstream, err);
  } else if (flag == "--upstream-timeout") {
    return ParseDuration(flag, value, 1, 600000, &options->upstream_timeout, err);
  } else if (flag == "--breaker-window") {
    if (!ParseInt(flag, value, 1, 100000, &n, err)) return false;
    b.window = static_cast<int>(n);
  } else if (flag == "--breaker-min-calls") {
    if (!ParseInt(flag, value, 1, 100000, &n, err)) return false;
    b.min_calls = static_cast<int>(n);
  } else if (flag == "--breaker-failure-rate") {
    if (!ParseInt(flag, value, 1, 100, &n, err)) return false;
    b.failure_rate_percent = static_cast<int>(n);
  } else if (flag == "--breaker-slow-call") {
    return ParseDuration(flag, value, 0, 600000, &b.slow_call, err);
  } else if (flag == "--breaker-open") {
    return ParseDuration(flag, value, 1, 3600000, &b.open_duration, err);
  } else if (flag == "--breaker-half-open-calls") {
    if (!ParseInt(flag, value, 1, 10000, &n, err)) return false;
    b.half_open_calls = static_cast<int>(n);
  } else {
    options->stats_file = value;
  }
  return true;
}

}  // namespace

std::string Usage() {
  return "usage: stressplan-demo [--role webhook|upstream] [--host ADDR] [--port N]\n"
         "                       [--latency D] [--threads N] [--queue N] [--stats-file PATH]\n"
         "                       [--upstream URL [--upstream-timeout D] [--breaker-... ]]\n"
         "A chatbot-webhook-like HTTP/1.1 service for load tests, and its upstream.\n"
         "  --role R           webhook (default): POST /webhook; upstream: POST /v1/reply\n"
         "  --host ADDR        address to listen on (default 127.0.0.1)\n"
         "  --port N           port (default 8089; 0 picks a free one)\n"
         "  --latency D        delay added to every POST /webhook or /v1/reply (default 0)\n"
         "  --threads N        connections served at once, one thread each (default 512)\n"
         "  --queue N          further connections waiting for a thread (default 256)\n"
         "  --stats-file PATH  write the final stats JSON here instead of stdout\n"
         "Webhook role with an upstream (replies come from its POST /v1/reply):\n"
         "  --upstream URL                 http://HOST:PORT of the upstream (or of a proxy)\n"
         "  --upstream-timeout D           bound of one upstream call (default 1s): else 504\n"
         "  --breaker-window N             calls the failure rate is taken over (default 20)\n"
         "  --breaker-min-calls N          calls before the rate counts (default 10)\n"
         "  --breaker-failure-rate P       percent of failures that opens (default 50)\n"
         "  --breaker-slow-call D          >0: slower calls are failures (default 0)\n"
         "  --breaker-open D               time open before half-open (default 5s)\n"
         "  --breaker-half-open-calls N    trial calls in half-open (default 3)\n"
         "Durations: 250 or 250ms, 5s, 1m. Also GET /health, /stats, /metrics.\n"
         "Stops on SIGTERM/SIGINT.\n";
}

bool ParseOptions(int argc, char** argv, Options* options, std::string* err) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string upstream_flag;  // the first upstream/breaker flag given, for the check below
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_value = false;
    if (size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      options->help = true;
      continue;
    }
    if (kKnownFlags.count(flag) == 0) {
      *err = "unknown argument '" + args[i] + "'";
      return false;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        *err = flag + " needs a value";
        return false;
      }
      value = args[++i];
    }
    if (kUpstreamFlags.count(flag) != 0 && upstream_flag.empty()) upstream_flag = flag;
    if (!Apply(flag, value, options, err)) return false;
  }
  // A breaker setting that would silently do nothing is more likely a forgotten --upstream.
  if (options->server.role == Role::kUpstream && options->has_upstream) {
    *err = "--upstream is for the webhook role; the upstream role has none";
    return false;
  }
  if (!options->has_upstream && !upstream_flag.empty()) {
    *err = upstream_flag + " needs --upstream URL";
    return false;
  }
  return true;
}

}  // namespace sp::demo
