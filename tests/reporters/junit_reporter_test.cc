// The JUnit reporter plugin, loaded from the build and driven through its vtable with the fixed
// stream in fixtures/run.json and variations of it. The schema check is junit_schema_test.py.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "approval.h"
#include "report_for.h"
#include "reporter_harness.h"

using nlohmann::json;
using sp::reporters_test::Occurrences;
using sp::reporters_test::ReadFile;
using sp::reporters_test::ReporterPlugin;
using sp::reporters_test::Stream;
using sp::reporters_test::TempDir;

namespace {

json Fixture() { return sp::reporters_test::ReadFixture(std::string(REPORTERS_FIXTURE_DIR) + "/run.json"); }

json& Summary(json& documents) { return documents.back(); }

// Runs the plugin over `documents` and returns the file it wrote.
std::string JunitFor(const json& documents, std::map<std::string, std::string> options = {}) {
  return sp::reporters_test::ReportFor(STRESSPLAN_JUNIT_PLUGIN, "junit.xml", documents, std::move(options));
}


// The testcase element named `name`, whole.
std::string Testcase(const std::string& xml, const std::string& name) {
  const size_t start = xml.find("<testcase name=\"" + name + "\"");
  if (start == std::string::npos) return "";
  const size_t self_closed = xml.find("/>", start), open_end = xml.find('>', start);
  if (self_closed != std::string::npos && self_closed + 1 == open_end) {
    return xml.substr(start, self_closed + 2 - start);
  }
  const size_t end = xml.find("</testcase>", start);
  return xml.substr(start, end + 11 - start);
}

}  // namespace

TEST_CASE("junit: the fixture stream gives the approved file", "[junit]") {
  const std::string xml = JunitFor(Fixture());
  CHECK(
      xml.find("<testsuite name=\"checkout &quot;quotes&quot; &amp; ampersands\" tests=\"5\" failures=\"1\" "
               "errors=\"0\" skipped=\"1\" time=\"5.050\" timestamp=\"2026-03-01T12:00:00Z\" hostname=\"") !=
      std::string::npos);
  CHECK(xml.find("hostname=\"\"") == std::string::npos);
  // The failing threshold says what was observed against what was expected.
  CHECK(xml.find(
            "message=\"error_rate of message/&lt;script&gt;alert(1)&lt;/script&gt; was 0.25%, expected &lt; "
            "0.1%\"") != std::string::npos);
  std::string message;
  CHECK(sp::reporters_test::MatchesBaseline("junit.approved.xml", sp::reporters_test::NormaliseJunit(xml),
                                            &message));
  INFO(message);
  CHECK(message.empty());
}

TEST_CASE("junit: thresholds and experiments may be absent or empty", "[junit]") {
  json documents = Fixture();
  SECTION("absent") {
    Summary(documents).erase("thresholds");
    Summary(documents).erase("experiments");
  }
  SECTION("empty") {
    Summary(documents)["thresholds"] = json::array();
    Summary(documents)["experiments"] = json::array();
  }
  SECTION("not arrays") {
    Summary(documents)["thresholds"] = "none";
    Summary(documents)["experiments"] = 3;
  }
  const std::string xml = JunitFor(documents);
  CHECK(xml.find("tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\"") != std::string::npos);
  CHECK(Testcase(xml, "run").find("/>") != std::string::npos);
  CHECK(Occurrences(xml, "<testcase ") == 1);
}

TEST_CASE("junit: the run testcase follows the run's status and trustworthiness", "[junit]") {
  json documents = Fixture();
  json& s = Summary(documents);
  s.erase("thresholds");
  s.erase("experiments");
  SECTION("aborted: a failure") {
    s["status"] = "aborted";
    s["status_reason"] = "load thread 1 broke: out of memory";
    const std::string run = Testcase(JunitFor(documents), "run");
    CHECK(run.find("<failure type=\"aborted\" message=\"the run was aborted: load thread 1 broke: out of "
                   "memory\">") != std::string::npos);
  }
  SECTION("interrupted: an error") {
    s["status"] = "interrupted";
    s["status_reason"] = "SIGINT";
    const std::string xml = JunitFor(documents);
    CHECK(xml.find("failures=\"0\" errors=\"1\"") != std::string::npos);
    CHECK(Testcase(xml, "run")
              .find("<error type=\"interrupted\" message=\"the run was interrupted: SIGINT\">") !=
          std::string::npos);
  }
  SECTION("untrustworthy: a failure naming the reasons") {
    s["trustworthy"] = false;
    s["untrustworthy_reasons"] = {"stage 1: 112/s started of 150/s planned",
                                  "stage 1: load threads 97% busy"};
    const std::string xml = JunitFor(documents);
    CHECK(xml.find("failures=\"1\" errors=\"0\"") != std::string::npos);
    CHECK(Testcase(xml, "run")
              .find("<failure type=\"untrustworthy\" message=\"untrustworthy results: stage 1: 112/s "
                    "started of 150/s planned; stage 1: load threads 97% busy\">") != std::string::npos);
    CHECK(xml.find("<property name=\"trustworthy\" value=\"false\"/>") != std::string::npos);
  }
  SECTION("interrupted and untrustworthy: one error that also lists the reasons") {
    s["status"] = "interrupted";
    s["trustworthy"] = false;
    s["untrustworthy_reasons"] = {"stage 0: 7 of 10 users active"};
    const std::string run = Testcase(JunitFor(documents), "run");
    CHECK(Occurrences(run, "<error ") == 1);
    CHECK(Occurrences(run, "<failure ") == 0);
    CHECK(run.find("  - stage 0: 7 of 10 users active") != std::string::npos);
  }
  SECTION("no summary: an error") {
    documents.erase(documents.size() - 1);
    const std::string xml = JunitFor(documents);
    CHECK(xml.find("tests=\"1\" failures=\"0\" errors=\"1\"") != std::string::npos);
    CHECK(Testcase(xml, "run").find("<error type=\"incomplete\"") != std::string::npos);
    CHECK(xml.find("timestamp=\"2026-03-01T12:00:00Z\"") != std::string::npos);
  }
}

TEST_CASE("junit: each experiment outcome maps to pass, failure or error", "[junit]") {
  struct Row {
    const char* outcome;
    bool deviated;
    const char* element;  // "" for a pass
  };
  const Row rows[] = {{"completed", false, ""},        {"completed", true, "failure"},
                      {"failed", false, "failure"},    {"aborted", false, "failure"},
                      {"interrupted", false, "error"}, {"exploded", false, "error"}};
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.outcome << (row.deviated ? " deviated" : "")) {
      json documents = Fixture();
      json& e = Summary(documents)["experiments"][0];
      e["outcome"] = row.outcome;
      e["deviated"] = row.deviated;
      const std::string testcase = Testcase(JunitFor(documents), "kill one replica");
      REQUIRE(!testcase.empty());
      CHECK(testcase.find("time=\"1.500\"") != std::string::npos);
      if (row.element[0] == 0) {
        CHECK(testcase.find("/>") == testcase.size() - 2);
      } else {
        CHECK(testcase.find(std::string("<") + row.element + " type=\"") != std::string::npos);
      }
    }
  }
}

TEST_CASE("junit: a threshold without a verdict is skipped", "[junit]") {
  json documents = Fixture();
  Summary(documents)["thresholds"][0].erase("passed");
  Summary(documents)["thresholds"][0].erase("observed_text");
  Summary(documents)["thresholds"][0]["observed"] = nullptr;
  const std::string xml = JunitFor(documents);
  CHECK(xml.find("tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"2\"") != std::string::npos);
  CHECK(Testcase(xml, "latency.p95 &lt; 500ms").find("<skipped type=\"not_evaluated\"") != std::string::npos);
  CHECK(Testcase(xml, "latency.p95 &lt; 500ms").find("observed: no data") != std::string::npos);
}

TEST_CASE("junit: a scoped threshold names its scope once", "[junit]") {
  // The summary's name already ends with the scope, as the run writes it.
  const std::string xml = JunitFor(Fixture());
  CHECK(xml.find("<testcase name=\"error_rate &lt; 0.1% [message/&lt;script&gt;alert(1)&lt;/script&gt;]\" ") !=
        std::string::npos);
  CHECK(xml.find("&lt;/script&gt;] [message") == std::string::npos);
  // A name made up from the metric (none in the document) gets the scope added.
  json documents = Fixture();
  Summary(documents)["thresholds"][1].erase("name");
  CHECK(JunitFor(documents).find("<testcase name=\"error_rate &lt; 0.1% [message/&lt;script&gt;alert(1)&lt;/"
                                 "script&gt;]\" ") != std::string::npos);
}

TEST_CASE("junit: a skipped threshold is a skipped testcase with the reason", "[junit]") {
  const std::string testcase = Testcase(JunitFor(Fixture()), "recovery_time &lt; 10s");
  REQUIRE(!testcase.empty());
  CHECK(testcase.find("<skipped type=\"skipped\" message=\"not judged in this run: --mode load runs no chaos "
                      "steps: there is no fault to recover from\">") != std::string::npos);
  CHECK(testcase.find("<failure") == std::string::npos);
}

TEST_CASE("junit: markup is escaped and characters XML cannot carry are dropped", "[junit]") {
  json documents = Fixture();
  json& t = Summary(documents)["thresholds"][1];
  t["name"] = "a<b & \"c\" 'd'\x01\x1f\xef\xbf\xbe";  // U+FFFE is not an XML character either
  t["location"] = "line\tone\r\nline two";
  Summary(documents)["experiments"][0]["outcome"] = "failed";
  const std::string xml = JunitFor(documents, {{"suite_name", "]]> <![CDATA[ x"}});
  for (char c : xml) {
    const auto u = static_cast<unsigned char>(c);
    CHECK((u >= 0x20 || c == '\n' || c == '\t'));
  }
  CHECK(xml.find("\xef\xbf\xbe") == std::string::npos);
  CHECK(xml.find(
            "<testcase name=\"a&lt;b &amp; &quot;c&quot; &apos;d&apos; [message/&lt;script&gt;alert(1)&lt;/"
            "script&gt;]\"") != std::string::npos);
  CHECK(xml.find("defined at: line\tone&#13;\nline two") != std::string::npos);
  CHECK(xml.find("<testsuite name=\"]]&gt; &lt;![CDATA[ x\"") != std::string::npos);
  CHECK(xml.find("<script>") == std::string::npos);
  CHECK(xml.find("message=\"experiment failed: steady state held  (p99 &lt; 200ms)\"") !=
        std::string::npos);  // \u0001 dropped
}

TEST_CASE("junit: suite_name names the suite; the plan's name is the default", "[junit]") {
  const std::string named = JunitFor(Fixture(), {{"suite_name", "nightly load"}});
  CHECK(named.find("<testsuite name=\"nightly load\"") != std::string::npos);
  CHECK(named.find("classname=\"nightly load.thresholds\"") != std::string::npos);
  CHECK(named.find("<property name=\"plan\" value=\"checkout &quot;quotes&quot; &amp; ampersands\"/>") !=
        std::string::npos);

  json documents = Fixture();
  documents[0]["plan"]["name"] = "";
  Summary(documents)["plan"]["name"] = "";
  CHECK(JunitFor(documents).find("<testsuite name=\"stressplan\"") != std::string::npos);
}

TEST_CASE("junit: bad options are refused at create, naming the option", "[junit]") {
  TempDir dir;
  ReporterPlugin plugin(STRESSPLAN_JUNIT_PLUGIN);
  std::filesystem::create_directories(dir / "a-folder");
  { std::ofstream(dir / "a-file") << "x"; }
  struct Row {
    std::string name, value, option, says;
  };
  const Row rows[] = {
      {"path", dir / "a-folder", "path", "is a folder"},
      {"path", dir.path() + "/", "path", "names a folder"},
      {"path", dir / "a-file/junit.xml", "path", "is a file, not a folder"},
      {"path", dir / "a-file/deeper/junit.xml", "path", "is a file, not a folder"},
      {"path", "", "path", "path is empty"},
      {"suite_name", "", "suite_name", "suite_name is empty"},
  };
  for (const Row& row : rows) {
    std::map<std::string, std::string> options{{"path", dir / "ok.xml"}};
    options[row.name] = row.value;
    sp::reporters_test::Outcome o = plugin.Create(options);
    INFO(row.name << "=" << row.value << ": " << o.err.message);
    CHECK(o.status == SP_INVALID_ARGUMENT);
    CHECK(std::string(o.err.option) == row.option);
    CHECK(std::string(o.err.message).find(row.says) != std::string::npos);
  }
  CHECK(plugin.Create({{"path", dir / "not/yet/there/junit.xml"}}).status == SP_OK);
}

TEST_CASE("junit: writes through a temporary file, creating folders", "[junit]") {
  TempDir dir;
  ReporterPlugin plugin(STRESSPLAN_JUNIT_PLUGIN);
  const std::string path = dir / "reports/ci/junit.xml";
  REQUIRE(plugin.Run({{"path", path}}, Stream(Fixture())).status == SP_OK);
  CHECK(sp::reporters_test::FileExists(path));
  CHECK(!sp::reporters_test::FileExists(path + ".tmp"));

  SECTION("a failed write is reported at finish") {
    std::filesystem::create_directories(dir / "blocked.xml.tmp");  // the temporary file cannot be opened
    sp::reporters_test::Outcome o = plugin.Run({{"path", dir / "blocked.xml"}}, Stream(Fixture()));
    CHECK(o.status == SP_ERROR);
    CHECK(o.step == "finish");
    CHECK(std::string(o.err.message).find("cannot write") != std::string::npos);
    CHECK(!sp::reporters_test::FileExists(dir / "blocked.xml"));
  }
}

TEST_CASE("junit: a document that is not JSON is refused with a message", "[junit]") {
  TempDir dir;
  ReporterPlugin plugin(STRESSPLAN_JUNIT_PLUGIN);
  sp::reporters_test::Outcome o =
      plugin.Run({{"path", dir / "junit.xml"}}, {{SP_DOC_SUMMARY, "{\"type\": \"summary\", "}});
  CHECK(o.status == SP_ERROR);
  CHECK(o.step == "on_document");
  CHECK(std::string(o.err.message).find("bad document") == 0);
}

TEST_CASE("junit: a testcase per workload, failed by its thresholds and its stages' problems",
          "[junit]") {
  json documents = Fixture();
  json& s = Summary(documents);
  auto workload = [](const char* name) {
    return json{{"name", name},
                {"start_s", 0.0},
                {"duration_s", 5.0},
                {"stages", json::array()},
                {"requests", 100},
                {"errors", 0},
                {"error_rate", 0.0},
                {"throughput_rps", 20.0},
                {"latency_ms", {{"p50", 1.0}, {"p95", 2.0}, {"p99", 3.0}, {"max", 4.0}}},
                {"iterations_started", 100},
                {"iterations_completed", 100},
                {"dropped", 0}};
  };
  s["workloads"] = json::array({workload("browse"), workload("api")});
  s["thresholds"][0]["workload"] = "api";     // the passing one
  s["thresholds"][1]["workload"] = "browse";  // the failing one
  s["stages"][1]["workload"] = "api";
  s["stages"][1]["problems"] =
      json::array({"workload api stage 0: started 90.0 iterations/s of the 100.0/s planned"});
  const std::string xml = JunitFor(documents);
  CHECK(xml.find("tests=\"7\" failures=\"3\"") != std::string::npos);
  const std::string browse = Testcase(xml, "browse");
  CHECK(
      browse.find(
          "classname=\"checkout &quot;quotes&quot; &amp; ampersands.workloads\" time=\"5.000\"") !=
      std::string::npos);
  CHECK(browse.find("<failure type=\"workload\" message=\"threshold error_rate &lt; 0.1%") !=
        std::string::npos);
  const std::string api = Testcase(xml, "api");
  CHECK(api.find("<failure type=\"workload\" message=\"workload api stage 0: started 90.0") !=
        std::string::npos);
  CHECK(api.find("requests 100 (20.0/s), errors 0 (0.00%)") != std::string::npos);
  CHECK(xml.find("workload browse: requests 100 (20.0/s), errors 0 (0.00%), latency ms p95 2\n") !=
        std::string::npos);
  // Without problems a workload passes.
  s["thresholds"][1].erase("workload");
  s["stages"][1].erase("workload");
  CHECK(Testcase(JunitFor(documents), "api").find("/>") != std::string::npos);
}
