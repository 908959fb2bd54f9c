#include <catch2/catch.hpp>

#include "core/plan/threshold.h"
#include "test_util.h"

using namespace sp::plan;
using sp::plan::test::kMinimal;
using sp::plan::test::Load;

namespace {

Threshold Parse(const std::string& text) {
  Threshold t;
  std::string err;
  INFO(text);
  REQUIRE(ParseThreshold(text, &t, &err));
  return t;
}

std::string Error(const std::string& text) {
  Threshold t;
  std::string err;
  CHECK_FALSE(ParseThreshold(text, &t, &err));
  return err;
}

}  // namespace

TEST_CASE("thresholds: metrics, operators and units", "[threshold]") {
  Threshold t = Parse("latency.p95 < 500ms");
  CHECK(t.metric == "latency.p95");
  CHECK(t.op == Threshold::Op::Lt);
  CHECK(t.value == Approx(500.0));
  CHECK(t.value_text == "500ms");
  CHECK(t.window.count() == 0);
  CHECK(Parse("latency.p99.9 <= 1.5s").value == Approx(1500.0));
  CHECK(Parse("service_time.max < 2s").value == Approx(2000.0));
  CHECK(Parse("error_rate < 1%").value == Approx(0.01));
  CHECK(Parse("error_rate <= 0.05").value == Approx(0.05));
  CHECK(Parse("checks > 99%").op == Threshold::Op::Gt);
  CHECK(Parse("rps >= 100").value == Approx(100.0));
  CHECK(Parse("rps > 1200/m").value == Approx(20.0));
  CHECK(Parse("events.circuit_open <= 5").metric == "events.circuit_open");
  CHECK(Parse("errors.connect_refused == 0").op == Threshold::Op::Eq);
  CHECK(Parse("status.503 != 0").op == Threshold::Op::Ne);
  t = Parse("  error_rate < 1% for 10s ");
  CHECK(t.window == std::chrono::seconds(10));
  CHECK(t.text == "error_rate < 1% for 10s");
}

TEST_CASE("thresholds: errors say what is expected", "[threshold]") {
  CHECK_THAT(Error("latency.p95 500ms"), Catch::Contains("METRIC OP VALUE"));
  CHECK_THAT(Error("latency.p95 < 500"), Catch::Contains("no unit"));
  CHECK_THAT(Error("latncy.p95 < 500ms"), Catch::Contains("unknown metric \"latncy.p95\""));
  CHECK_THAT(Error("latency.p101 < 5ms"), Catch::Contains("unknown metric"));
  CHECK_THAT(Error("latency.p95 =< 5ms"), Catch::Contains("unknown comparison \"=<\""));
  CHECK_THAT(Error("error_rate < 150%"), Catch::Contains("between 0% and 100%"));
  CHECK_THAT(Error("errors < -1"), Catch::Contains("a count"));
  CHECK_THAT(Error("error_rate < 1% for 1500ms"), Catch::Contains("whole seconds"));
  CHECK_THAT(Error("error_rate < 1% during 10s"), Catch::Contains("METRIC OP VALUE for WINDOW"));
}

TEST_CASE("thresholds: in the plan, located, with request scopes", "[threshold]") {
  auto l = Load(std::string(kMinimal) +
                "thresholds:\n"
                "  - latency.p95 < 500ms\n"
                "  - {threshold: \"error_rate < 1% for 5s\", request: s/r, abort_on_fail: true}\n");
  INFO(l.text());
  REQUIRE(l.ok);
  REQUIRE(l.plan.thresholds.size() == 2);
  CHECK(l.plan.thresholds[0].loc.str() == "plan.yaml:7:5");
  CHECK(l.plan.thresholds[1].request == "s/r");
  CHECK(l.plan.thresholds[1].abort_on_fail);

  l = Load(std::string(kMinimal) +
           "thresholds:\n"
           "  - latency.p95 < fast\n"
           "  - {threshold: \"rps > 1\", request: s/x}\n"
           "  - {expr: \"rps > 1\"}\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(l.find("plan.yaml:7:5: thresholds.0: latency.p95: invalid duration \"fast\""));
  CHECK(l.find("plan.yaml:8:37: thresholds.1.request: no request step \"s/x\" (did you mean \"s/r\"?)"));
  CHECK(l.find("plan.yaml:9:6: thresholds.2.expr: unknown key in a threshold"));
}
