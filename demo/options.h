// Command-line flags of stressplan-demo (docs/demo.md lists them).
#pragma once

#include <chrono>
#include <string>

#include "demo/breaker.h"
#include "demo/server.h"
#include "demo/upstream_client.h"

namespace sp::demo {

struct Options {
  ServerOptions server;    // --role is server.role
  std::string stats_file;  // final stats JSON goes here on SIGTERM/SIGINT; empty: stdout
  bool help = false;
  // Webhook role: with an upstream the bot's replies come from it, behind a circuit breaker.
  bool has_upstream = false;
  UpstreamTarget upstream;
  std::chrono::milliseconds upstream_timeout{1000};
  BreakerConfig breaker;
};

// Accepts "--flag value" and "--flag=value"; durations as N (milliseconds), Nms, Ns or Nm.
// False with *err naming the flag on a bad one.
bool ParseOptions(int argc, char** argv, Options* options, std::string* err);

std::string Usage();

}  // namespace sp::demo
