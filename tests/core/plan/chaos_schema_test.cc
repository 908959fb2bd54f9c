// The chaos parts of a plan: proxies:, observers:, chaos: (docs/chaos.md).
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace sp::plan;
using sp::plan::test::kMinimal;
using sp::plan::test::Load;

namespace {

const char* kChaos =
    "proxies:\n"                                                 // 6
    "  - name: llm\n"                                            // 7
    "    listen: 127.0.0.1:18091\n"                              // 8
    "    upstream: 127.0.0.1:18092\n"                            // 9
    "    protocol: http\n"                                       // 10
    "observers:\n"                                               // 11
    "  - name: breaker\n"                                        // 12
    "    url: http://127.0.0.1:18090/metrics\n"                  // 13
    "    metric: 'state{state=\"open\"}'\n"                      // 14
    "    type: counter\n"                                        // 15
    "chaos:\n"                                                   // 16
    "  probe_rate: 5/s\n"                                        // 17
    "  recovery: {windows: 4, deadline: 20s, baseline: 5s, error_rate_margin: 2%, latency_factor: 2}\n"
    "  steady_state:\n"                                          // 19
    "    - name: health\n"                                       // 20
    "      http: {url: http://127.0.0.1:1/h, status: [200, 204], json: {path: $.ok, equals: true}}\n"
    "    - name: errors\n"                                       // 22
    "      threshold: error_rate < 5%\n"                         // 23
    "      window: 3s\n"                                         // 24
    "  steps:\n"                                                 // 25
    "    - name: later\n"                                        // 26
    "      at: 30s\n"                                            // 27
    "      duration: 5s\n"                                       // 28
    "      fault: process\n"                                     // 29
    "      service: demo\n"                                      // 30
    "      action: pause\n"                                      // 31
    "    - name: slow\n"                                         // 32
    "      at: 10s\n"                                            // 33
    "      duration: 8s\n"                                       // 34
    "      fault: proxy\n"                                       // 35
    "      proxy: llm\n"                                         // 36
    "      toxic: latency\n"                                     // 37
    "      latency: 2s\n";                                       // 38

}  // namespace

TEST_CASE("chaos: a complete section", "[chaos]") {
  auto l = Load(std::string(kMinimal) + kChaos);
  INFO(l.text());
  REQUIRE(l.ok);
  const Plan& p = l.plan;
  REQUIRE(p.proxies.size() == 1);
  CHECK(p.proxies[0].name == "llm");
  CHECK(p.proxies[0].site.plugin == "proxy");
  CHECK(p.proxies[0].site.options.find("listen")->scalar == "127.0.0.1:18091");
  CHECK_FALSE(p.proxies[0].site.options.find("name"));
  REQUIRE(p.observers.size() == 1);
  CHECK(p.observers[0].counter);
  CHECK(p.observers[0].metric == "state{state=\"open\"}");
  CHECK(p.chaos.probe_rate == 5);
  CHECK(p.chaos.recovery.windows == 4);
  CHECK(p.chaos.recovery.deadline == std::chrono::seconds(20));
  CHECK(p.chaos.recovery.error_rate_margin == Approx(0.02));
  CHECK(p.chaos.recovery.latency_factor == 2);
  REQUIRE(p.chaos.steady_state.size() == 2);
  REQUIRE(p.chaos.steady_state[0].http);
  CHECK(p.chaos.steady_state[0].http->statuses == std::vector<int>{200, 204});
  CHECK(p.chaos.steady_state[0].http->json_path == "$.ok");
  CHECK(*p.chaos.steady_state[0].http->json_equals == "true");
  REQUIRE(p.chaos.steady_state[1].threshold);
  CHECK(p.chaos.steady_state[1].threshold->metric == "error_rate");
  CHECK(p.chaos.steady_state[1].window == std::chrono::seconds(3));
  // Steps come out in order of `at`, each with its plugin's options as a located tree.
  REQUIRE(p.chaos.steps.size() == 2);
  CHECK(p.chaos.steps[0].name == "slow");
  CHECK(p.chaos.steps[0].at == std::chrono::seconds(10));
  CHECK(p.chaos.steps[0].proxy == "llm");
  CHECK(p.chaos.steps[0].fault.plugin == "proxy");
  CHECK(p.chaos.steps[0].fault.loc.line == 35);
  CHECK(p.chaos.steps[0].fault.options.find("latency")->scalar == "2s");
  CHECK(p.chaos.steps[0].fault.options.key_loc("toxic").line == 37);
  CHECK_FALSE(p.chaos.steps[0].fault.options.find("at"));
  CHECK_FALSE(p.chaos.steps[0].fault.options.find("proxy"));
  CHECK(p.chaos.steps[1].name == "later");
  CHECK(p.chaos.steps[1].fault.options.find("service")->scalar == "demo");
}

TEST_CASE("chaos: mistakes are located", "[chaos]") {
  auto l = Load(std::string(kMinimal) +
                "proxies:\n"                                   // 6
                "  - {name: llm, listen: a, upstream: b}\n"    // 7
                "observers:\n"                                 // 8
                "  - {name: o, url: https://x/metrics, metric: m, type: histogram}\n"  // 9
                "chaos:\n"                                     // 10
                "  recovery: {windows: 0}\n"                   // 11
                "  steady_state:\n"                            // 12
                "    - name: both\n"                           // 13
                "      http: {url: http://x/}\n"               // 14
                "      threshold: error_rate < 1%\n"           // 15
                "    - {name: windowed, threshold: error_rate < 1% for 5s}\n"  // 16
                "  steps:\n"                                   // 17
                "    - {name: a, at: 1s, duration: 1s, fault: proxy, proxy: lmm}\n"  // 18
                "    - {name: a, duration: 1s, fault: proxy}\n"                     // 19
                "    - {name: b, at: 1s}\n");                                        // 20
  INFO(l.text());
  REQUIRE_FALSE(l.ok);
  CHECK(l.find("plan.yaml:9:"));
  CHECK(l.find("observers.0.url: expected an http:// URL"));
  CHECK(l.find("observers.0.type: expected gauge"));
  CHECK(l.find("plan.yaml:11:23: chaos.recovery.windows: must be between 1 and 600"));
  CHECK(l.find("plan.yaml:13:7: chaos.steady_state.0: a probe has exactly one of http:"));
  CHECK(l.find("chaos.steady_state.1.threshold: a probe judges its metric over its own window: (default 5s); leave out \"for 5s\""));
  const Diagnostic* proxy = l.find("chaos.steps.0.proxy");
  REQUIRE(proxy);
  CHECK(proxy->str().find("plan.yaml:18:") == 0);
  CHECK(proxy->message.find("no proxy named \"lmm\" (did you mean \"llm\"?)") == 0);
  CHECK(l.find("plan.yaml:19:14: chaos.steps.1.name: duplicate chaos step name \"a\" (also used at line 18)"));
  CHECK(l.find("chaos.steps.1.at: missing"));
  CHECK(l.find("chaos.steps.2.duration: missing"));
  CHECK(l.find("chaos.steps.2.fault: missing"));
}

TEST_CASE("chaos: run-end thresholds", "[chaos]") {
  auto l = Load(std::string(kMinimal) +
                "thresholds:\n"
                "  - recovery_time < 15s\n"
                "  - circuit.trips <= 3\n"
                "  - circuit.open_time < 20s\n");
  INFO(l.text());
  REQUIRE(l.ok);
  REQUIRE(l.plan.thresholds.size() == 3);
  CHECK(l.plan.thresholds[0].value == 15000);  // milliseconds, like latency
  CHECK(l.plan.thresholds[1].value == 3);

  l = Load(std::string(kMinimal) +
           "thresholds:\n"
           "  - recovery_time < 15s for 10s\n"
           "  - {threshold: circuit.trips < 2, abort_on_fail: true}\n");
  REQUIRE(l.errors.size() == 2);
  CHECK(l.errors[0].str().find("recovery_time is judged once, at the end of the run") != std::string::npos);
  CHECK(l.errors[1].str().find("thresholds.1.abort_on_fail: circuit.trips is only known at the end") !=
        std::string::npos);
}
