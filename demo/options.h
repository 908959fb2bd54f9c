// Command-line flags of stressplan-demo (docs/demo.md lists them).
#pragma once

#include <string>

#include "demo/server.h"

namespace sp::demo {

struct Options {
  ServerOptions server;
  std::string stats_file;  // final stats JSON goes here on SIGTERM/SIGINT; empty: stdout
  bool help = false;
};

// Accepts "--flag value" and "--flag=value". False with *err naming the flag on a bad one.
bool ParseOptions(int argc, char** argv, Options* options, std::string* err);

std::string Usage();

}  // namespace sp::demo
