// stressplan-demo: a small HTTP/1.1 service shaped like a chatbot webhook, the target of the
// example plans and of the end-to-end tests; with --role upstream, the "LLM-like" API such a
// webhook calls (through a fault proxy, behind a circuit breaker). See docs/demo.md.
//
// SIGTERM and SIGINT are blocked in every thread and taken by sigwait() in main, so shutdown
// runs as ordinary code: stop the server, then print the final counts.
#include <signal.h>
#include <string.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "demo/guarded_upstream.h"
#include "demo/options.h"
#include "demo/server.h"
#include "demo/stats.h"

namespace {

// Written to a temporary file first and renamed, so a reader never sees half a document.
bool WriteStatsFile(const std::string& path, const std::string& json, std::string* err) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json << '\n';
    out.flush();
    if (!out) {
      *err = "cannot write " + tmp + ": " + strerror(errno);
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *err = "cannot rename " + tmp + " to " + path + ": " + strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  sp::demo::Options options;
  std::string err;
  if (!sp::demo::ParseOptions(argc, argv, &options, &err)) {
    // The error is the last line: a service log's tail (core/services) shows it.
    std::cerr << sp::demo::Usage() << "stressplan-demo: " << err << "\n";
    return 2;
  }
  if (options.help) {
    std::cout << sp::demo::Usage();
    return 0;
  }

  // Before any thread exists, so every server thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the server

  const bool upstream_role = options.server.role == sp::demo::Role::kUpstream;
  sp::demo::Stats stats(upstream_role);
  std::unique_ptr<sp::demo::GuardedUpstream> upstream;
  if (options.has_upstream) {
    // One idle connection per server thread at most: never more calls run at once.
    upstream = std::make_unique<sp::demo::GuardedUpstream>(
        options.upstream, options.upstream_timeout, options.breaker,
        static_cast<std::size_t>(options.server.threads));
  }
  sp::demo::DemoServer server(options.server, &stats, upstream.get());
  if (!server.Start(&err)) {
    std::cerr << "stressplan-demo: " << err << "\n";
    return 1;
  }
  std::cerr << "stressplan-demo listening on " << options.server.host << ":" << server.port()
            << std::endl;
  if (upstream_role) std::cerr << "stressplan-demo: role upstream (POST /v1/reply)" << std::endl;
  if (upstream) {
    const sp::demo::BreakerConfig& b = options.breaker;
    std::cerr << "stressplan-demo: upstream " << options.upstream.url << ", timeout "
              << options.upstream_timeout.count() << " ms; breaker window " << b.window
              << ", min calls " << b.min_calls << ", failure rate " << b.failure_rate_percent
              << "%, slow call " << b.slow_call.count() << " ms, open "
              << b.open_duration.count() << " ms, half-open calls " << b.half_open_calls
              << std::endl;
  }

  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  std::cerr << "stressplan-demo: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << ", stopping" << std::endl;
  server.Stop();

  sp::demo::CircuitCounts circuit;
  if (upstream) circuit = upstream->Counts();
  const std::string json = stats.ToJson(upstream ? &circuit : nullptr);
  if (options.stats_file.empty()) {
    std::cout << json << std::endl;
  } else if (!WriteStatsFile(options.stats_file, json, &err)) {
    std::cerr << "stressplan-demo: " << err << "\n";
    std::cout << json << std::endl;
    return 1;
  }
  return 0;
}
