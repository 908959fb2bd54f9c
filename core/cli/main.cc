// stressplan: load- and chaos-tests network services from a declarative YAML plan.
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <exception>
#include <string>
#include <vector>

#include "core/cli/commands.h"
#include "core/exit_codes.h"

namespace {

void Usage(FILE* out) {
  std::fprintf(out,
               "usage: stressplan <command> [options]\n\n"
               "commands:\n"
               "  run PLAN       run a plan (stressplan run --help for its options)\n"
               "  validate PLAN  check a plan and its plugins' options; runs nothing\n"
               "  plugins        list the plugins found and their options\n"
               "  recover        revert the faults a killed run left behind (its chaos journal)\n"
               "  compare A B    compare two runs' reports: does B regress from the baseline A?\n"
               "  merge          merge the reports of a plan's segments into one run's reports\n"
               "  version        print the version and plugin ABI version\n\n"
               "Exit codes: 0 passed, 1 thresholds or experiments failed, 2 plan or usage error,\n"
               "3 runtime error, 4 untrustworthy results, 130 interrupted. See docs/cli.md.\n");
}

}  // namespace

int main(int argc, char** argv) {
  // Plans may refer to programs installed beside stressplan (the demo target) as
  // ${STRESSPLAN_BIN_DIR}/...; a value already in the environment wins.
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) setenv("STRESSPLAN_BIN_DIR", exe.parent_path().c_str(), 0);
  if (argc < 2) {
    Usage(stderr);
    return sp::kExitUsage;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (command == "run") return sp::cli::RunCommand(args);
    if (command == "validate") return sp::cli::ValidateCommand(args);
    if (command == "plugins") return sp::cli::PluginsCommand(args);
    if (command == "recover") return sp::cli::RecoverCommand(args);
    if (command == "compare") return sp::cli::CompareCommand(args);
    if (command == "merge") return sp::cli::MergeCommand(args);
    if (command == "version" || command == "--version") return sp::cli::VersionCommand(args);
    if (command == "help" || command == "--help" || command == "-h") {
      Usage(stdout);
      return sp::kExitPassed;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stressplan %s: internal error: %s\n", command.c_str(), e.what());
    return sp::kExitRuntime;
  }
  std::fprintf(stderr, "stressplan: unknown command '%s'\n\n", command.c_str());
  Usage(stderr);
  return sp::kExitUsage;
}
