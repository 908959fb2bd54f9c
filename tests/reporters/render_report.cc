// render_report PLUGIN FIXTURE NAME=VALUE...: drives the reporter plugin at PLUGIN with the
// documents of FIXTURE (a JSON array, as in fixtures/run.json) and the options given, exactly
// as the Catch2 tests do. The python tests use it to make the files a real consumer checks
// (xmllint against the JUnit schema, headless Chromium for the HTML page).
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include "reporter_harness.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: render_report PLUGIN FIXTURE [NAME=VALUE ...]\n");
    return 2;
  }
  try {
    std::map<std::string, std::string> options;
    for (int i = 3; i < argc; ++i) {
      const std::string arg = argv[i];
      const size_t eq = arg.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "render_report: expected NAME=VALUE, got %s\n", arg.c_str());
        return 2;
      }
      options[arg.substr(0, eq)] = arg.substr(eq + 1);
    }
    sp::reporters_test::ReporterPlugin plugin(argv[1]);
    const auto documents = sp::reporters_test::Stream(sp::reporters_test::ReadFixture(argv[2]));
    const sp::reporters_test::Outcome o = plugin.Run(options, documents);
    if (o.status != SP_OK) {
      std::fprintf(stderr, "render_report: %s failed (option \"%s\"): %s\n", o.step.c_str(), o.err.option,
                   o.err.message);
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "render_report: %s\n", e.what());
    return 1;
  }
}
