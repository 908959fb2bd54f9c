// Thresholds scoped to a workload (core/plan/threshold_schema.cc): `workload: NAME` in the
// plan's list, checked against the selected profile, and a workload's own `thresholds:`.
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace sp::plan;
using namespace sp::plan::test;

namespace {

const char* kShop =
    "target: {plugin: http, base_url: http://127.0.0.1:8089}\n"                   // 1
    "scenarios:\n"                                                                // 2
    "  - {name: browse, requests: [{name: home, path: /}]}\n"                     // 3
    "  - {name: checkout, requests: [{name: pay, path: /pay}]}\n"                 // 4
    "profiles:\n"                                                                 // 5
    "  shop:\n"                                                                   // 6
    "    workloads:\n"                                                            // 7
    "      browse: {scenarios: [browse], stages: [{duration: 10s, users: 5}]}\n"  // 8
    "      checkout:\n"                                                           // 9
    "        scenarios: [checkout]\n"                                             // 10
    "        stages: [{duration: 5s, rate: 10/s}]\n"                              // 11
    "        thresholds: [\"error_rate < 1%\", {threshold: \"latency.p95 < 1s\", abort_on_fail: "
    "true}]\n"                                         // 12
    "  plain: {stages: [{duration: 1s, users: 1}]}\n"  // 13
    "profile: shop\n";                                 // 14

}  // namespace

TEST_CASE("threshold scopes: workload: NAME, and a workload's own list",
          "[thresholds][workloads]") {
  auto l = Load(std::string(kShop) +
                "thresholds:\n"
                "  - \"latency.p99 < 2s\"\n"
                "  - {threshold: \"rps > 5\", workload: browse}\n");
  INFO(l.text());
  REQUIRE(l.ok);
  const auto& t = l.plan.thresholds;
  REQUIRE(t.size() == 4);  // the plan's, then the selected profile's workloads' own
  CHECK(t[0].workload.empty());
  CHECK(t[1].workload == "browse");
  CHECK(t[1].metric == "rps");
  CHECK(t[2].workload == "checkout");
  CHECK(t[2].text == "error_rate < 1%");
  CHECK(t[2].loc.line == 12);
  CHECK(t[3].workload == "checkout");
  CHECK(t[3].abort_on_fail);
}

TEST_CASE("threshold scopes: a workload's own thresholds count only when its profile runs",
          "[thresholds][workloads]") {
  auto l = Load(kShop, LoadOptions{.profile = "plain"});
  INFO(l.text());
  REQUIRE(l.ok);
  CHECK(l.plan.thresholds.empty());
}

TEST_CASE("threshold scopes: mistakes are located", "[thresholds][workloads]") {
  auto l = Load(std::string(kShop) +
                "thresholds:\n"                                                           // 15
                "  - {threshold: \"rps > 5\", workload: brwose}\n"                        // 16
                "  - {threshold: \"rps > 5\", workload: browse, request: browse/home}\n"  // 17
                "  - {threshold: \"status.500 < 1\", workload: browse}\n");               // 18
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(l.find(
      "plan.yaml:17:38: thresholds.1.workload: a threshold is scoped to a request step or to a "
      "workload, not both; the request line is 17"));
  CHECK(l.find(
      "plan.yaml:18:17: thresholds.2.threshold: status.500 is counted for the whole run only; a "
      "workload's thresholds judge latency.<stat>, error_rate, rps, requests, errors and dropped"));

  // The name is checked once the profile is known, so with the other mistakes fixed:
  l = Load(std::string(kShop) + "thresholds: [{threshold: \"rps > 5\", workload: brwose}]\n");
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() ==
        "plan.yaml:15:47: thresholds.0.workload: no workload \"brwose\" in profile \"shop\" (did "
        "you mean "
        "\"browse\"?); its workloads: browse, checkout");
  l = Load(std::string(kShop) + "thresholds: [{threshold: \"rps > 5\", workload: browse}]\n",
           LoadOptions{.profile = "plain"});
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() ==
        "plan.yaml:15:47: thresholds.0.workload: profile \"plain\" has no workloads (it is written "
        "with "
        "stages:), so there is no workload \"browse\" to judge");

  // A workload's own list is scoped already: no request:, no workload:.
  l = Load(std::string(kShop).replace(std::string(kShop).find("abort_on_fail: true"), 19,
                                      "request: browse/home"));
  REQUIRE_FALSE(l.ok);
  CHECK(
      l.find("profiles.shop.workloads.checkout.thresholds.1.request: unknown key in a threshold"));
}
