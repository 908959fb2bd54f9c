// The JSON reporter plugin, loaded from the build and driven through its vtable with the fixed
// stream in fixtures/run.json: its file is the documents, gathered (docs/reports.md).
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "approval.h"
#include "report_for.h"
#include "reporter_harness.h"

using nlohmann::json;
using sp::reporters_test::ReadFile;
using sp::reporters_test::ReporterPlugin;
using sp::reporters_test::Stream;
using sp::reporters_test::TempDir;

namespace {

json Fixture() { return sp::reporters_test::ReadFixture(std::string(REPORTERS_FIXTURE_DIR) + "/run.json"); }

std::string JsonFor(const json& documents, std::map<std::string, std::string> options = {}) {
  return sp::reporters_test::ReportFor(STRESSPLAN_JSON_PLUGIN, "report.json", documents, std::move(options));
}

}  // namespace

TEST_CASE("json: the fixture stream gives the approved file", "[json]") {
  const json documents = Fixture();
  const std::string text = JsonFor(documents);
  const json report = json::parse(text);
  CHECK(report["type"] == "report");
  CHECK(report["run"] == documents.front());
  CHECK(report["summary"] == documents.back());
  size_t snapshots = 0, events = 0;
  for (const auto& d : documents) {
    snapshots += d["type"] == "snapshot";
    events += d["type"] == "event";
  }
  CHECK(report["timeseries"].size() == snapshots);
  CHECK(report["events"].size() == events);
  std::string message;
  // The fixture's times and versions are fixed already: no normalising needed.
  CHECK(sp::reporters_test::MatchesBaseline("report.approved.json", text, &message));
  INFO(message);
  CHECK(message.empty());
}

TEST_CASE("json: pretty: false writes one line", "[json]") {
  const std::string text = JsonFor(Fixture(), {{"pretty", "false"}});
  CHECK(text.find('\n') == text.size() - 1);
}
