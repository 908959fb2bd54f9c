#include "demo/options.h"

#include <charconv>
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

}  // namespace

std::string Usage() {
  return "usage: stressplan-demo [--host ADDR] [--port N] [--latency MS] [--threads N]\n"
         "                       [--queue N] [--stats-file PATH]\n"
         "A chatbot-webhook-like HTTP/1.1 service for load tests.\n"
         "  --host ADDR        address to listen on (default 127.0.0.1)\n"
         "  --port N           port (default 8089; 0 picks a free one)\n"
         "  --latency MS       delay added to every POST /webhook (default 0)\n"
         "  --threads N        connections served at once, one thread each (default 512)\n"
         "  --queue N          further connections waiting for a thread (default 256)\n"
         "  --stats-file PATH  write the final stats JSON here instead of stdout\n"
         "Routes: POST /webhook, GET /health, GET /stats. Stops on SIGTERM/SIGINT.\n";
}

bool ParseOptions(int argc, char** argv, Options* options, std::string* err) {
  std::vector<std::string> args(argv + 1, argv + argc);
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
    const bool known = flag == "--host" || flag == "--port" || flag == "--latency" ||
                       flag == "--threads" || flag == "--queue" || flag == "--stats-file";
    if (!known) {
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
    long n = 0;
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
      if (!ParseInt(flag, value, 0, 600000, &n, err)) return false;
      options->server.latency = std::chrono::milliseconds(n);
    } else if (flag == "--threads") {
      if (!ParseInt(flag, value, 1, 10000, &n, err)) return false;
      options->server.threads = static_cast<int>(n);
    } else if (flag == "--queue") {
      if (!ParseInt(flag, value, 1, 100000, &n, err)) return false;
      options->server.max_queued = static_cast<int>(n);
    } else {
      options->stats_file = value;
    }
  }
  return true;
}

}  // namespace sp::demo
