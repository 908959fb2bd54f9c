// The JUnit XML for one run, as Jenkins' junit-10.xsd describes it: <testsuites> holding one
// <testsuite> with a testcase for the run itself, one per threshold and one per chaos
// experiment, the run's identity as <properties> and a short text summary as <system-out>.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace sp::junit {

struct SuiteInput {
  nlohmann::json run_start;  // the run_start document, or null if none arrived
  nlohmann::json summary;    // the summary document, or null if the run ended without one
  std::string suite_name;    // the testsuite's name; empty: the plan's name
  std::string hostname;      // where the run happened
};

// The whole file, UTF-8, starting with the XML declaration and ending with a newline. Every
// string from the documents is escaped (lib/xml/xml_text.h); missing or mistyped fields read as
// absent.
std::string JunitDocument(const SuiteInput& in);

}  // namespace sp::junit
