// The rule language of `stressplan compare` (core/compare/rule.h): what it accepts, what it
// refuses and how it says so.
#include "core/compare/rule.h"

#include <catch2/catch.hpp>

using sp::compare::Allowance;
using sp::compare::Metric;
using sp::compare::ParseRule;
using sp::compare::Rule;
using sp::compare::ScopeKind;

namespace {

Rule Parsed(const std::string& text) {
  Rule r;
  std::string err;
  INFO(text);
  REQUIRE(ParseRule(text, &r, &err));
  return r;
}

std::string Refusal(const std::string& text) {
  Rule r;
  std::string err;
  INFO(text);
  CHECK_FALSE(ParseRule(text, &r, &err));
  return err;
}

}  // namespace

TEST_CASE("compare rules: metrics, changes and scopes", "[compare]") {
  Rule r = Parsed("  latency.p95   +10% ");
  CHECK(r.text == "latency.p95 +10%");
  CHECK(r.metric == Metric::kLatency);
  CHECK(r.percentile == 95);
  CHECK(r.allowance == Allowance::kRelative);
  CHECK(r.amount == 10);
  CHECK(r.worse_is_up);
  CHECK(r.scope.kind == ScopeKind::kRun);

  r = Parsed("service_time.p99.9 +20ms request:shop/login");
  CHECK(r.metric == Metric::kServiceTime);
  CHECK(r.percentile == Approx(99.9));
  CHECK(r.allowance == Allowance::kSeconds);
  CHECK(r.amount == Approx(0.020));
  CHECK(r.scope.kind == ScopeKind::kRequest);
  CHECK(r.scope.name == "shop/login");

  r = Parsed("error_rate +0.5pp");
  CHECK(r.allowance == Allowance::kPoints);
  CHECK(r.amount == 0.5);
  r = Parsed("errors.http_5xx +0.1pp stage:1");
  CHECK(r.metric == Metric::kErrorKind);
  CHECK(r.stat == "http_5xx");
  CHECK(r.scope.kind == ScopeKind::kStage);
  r = Parsed("throughput_rps -5% workload:checkout");
  CHECK_FALSE(r.worse_is_up);
  CHECK(r.scope.name == "checkout");
  r = Parsed("recovery_time +2s");
  CHECK(r.amount == 2);
  r = Parsed("circuit.trips +0");
  CHECK(r.allowance == Allowance::kCount);
  CHECK(r.amount == 0);
  r = Parsed("latency.mean +500us");
  CHECK(r.amount == Approx(0.0005));
  for (const std::string& d : sp::compare::DefaultRules()) Parsed(d);
}

TEST_CASE("compare rules: refusals say what is wrong", "[compare]") {
  CHECK(Refusal("latncy.p95 +10%").find("did you mean \"latency.p95\"?") != std::string::npos);
  CHECK(Refusal("latency.p100 +10%").find("pNN") != std::string::npos);
  CHECK(Refusal("latency.p0 +10%").find("pNN") != std::string::npos);
  CHECK(Refusal("latency.median +10%").find("mean or max") != std::string::npos);
  CHECK(Refusal("errors.teapot +1pp").find("unknown metric") != std::string::npos);
  CHECK(Refusal("latency.p95 10%").find("a sign and an amount") != std::string::npos);
  CHECK(Refusal("latency.p95 +ten%").find("a sign and an amount") != std::string::npos);
  CHECK(Refusal("latency.p95 +10pc").find("unknown unit \"pc\"") != std::string::npos);
  CHECK(Refusal("latency.p95 +1pp").find("latency.p95 takes a share") != std::string::npos);
  CHECK(Refusal("error_rate +2s").find("percentage points") != std::string::npos);
  CHECK(Refusal("circuit.trips +10%").find("a number of trips") != std::string::npos);
  CHECK(Refusal("latency.p95 -10%").find("regresses by rising") != std::string::npos);
  CHECK(Refusal("throughput_rps +5%").find("regresses by falling") != std::string::npos);
  CHECK(Refusal("latency.p95 +10% host:a").find("request:SCENARIO/REQUEST") != std::string::npos);
  CHECK(Refusal("latency.p95 +10% stage:one").find("by its index") != std::string::npos);
  CHECK(Refusal("recovery_time +1s stage:0").find("takes no scope") != std::string::npos);
  CHECK(Refusal("latency.p95").find("METRIC CHANGE [SCOPE]") != std::string::npos);
  CHECK(Refusal("latency.p95 +1% stage:0 extra").find("METRIC CHANGE [SCOPE]") !=
        std::string::npos);
  CHECK(Refusal("error_rate +0.5pp request:").find("the scope must be") != std::string::npos);
  CHECK(Refusal("x +1%").rfind("rule \"x +1%\": ", 0) == 0);
}
