#include <catch2/catch.hpp>

#include "core/plan/profiles.h"
#include "test_util.h"

using namespace sp::plan;
using namespace std::chrono;
using sp::plan::test::kMinimal;
using sp::plan::test::Load;

TEST_CASE("loader: the full fixture", "[loader]") {
  const std::string path = std::string(STRESSPLAN_PLAN_FIXTURES) + "/full.yaml";
  LoadOptions options;
  options.process_env.emplace();
  Plan plan;
  Diagnostics errors;
  INFO([&] { std::string s; for (auto& d : errors) s += d.str() + "\n"; return s; }());
  REQUIRE(LoadPlan(path, options, &plan, &errors));
  CHECK(plan.file == path);
  CHECK(plan.dir == STRESSPLAN_PLAN_FIXTURES);
  CHECK(plan.name == "webhook-demo");
  CHECK(plan.description == "Webhook receiver under a spike");
  CHECK(plan.plugin_paths ==
        std::vector<std::string>{std::string(STRESSPLAN_PLAN_FIXTURES) + "/build/lib/extra",
                                 "/opt/stressplan/plugins"});
  CHECK(plan.target.plugin == "http");
  CHECK(plan.target.loc.line == 6);
  CHECK_FALSE(plan.target.options.find("plugin"));
  CHECK(plan.target.options.find("base_url")->scalar == "http://127.0.0.1:8089");
  CHECK(plan.target.options.key_loc("timeout").str() == path + ":8:3");

  REQUIRE(plan.scenarios.size() == 2);
  const Scenario& msg = plan.scenarios[0];
  CHECK(msg.name == "message");
  CHECK(msg.weight == 8);
  CHECK(msg.think_time.min == milliseconds(100));
  CHECK(msg.think_time.max == seconds(2));
  REQUIRE(msg.requests.size() == 2);
  CHECK(msg.requests[0].name == "send");
  CHECK(msg.requests[0].spec.find("body")->scalar == "{\"update_id\": 1}");
  CHECK_FALSE(msg.requests[0].spec.find("name"));
  CHECK_FALSE(msg.requests[0].think_time);
  CHECK(msg.requests[1].name == "check");
  REQUIRE(msg.requests[1].think_time);
  CHECK(msg.requests[1].think_time->min == milliseconds(50));
  CHECK_FALSE(msg.requests[1].spec.find("think_time"));
  CHECK(plan.scenarios[1].think_time.min == milliseconds(10));
  CHECK(plan.scenarios[1].think_time.max == milliseconds(20));

  CHECK(plan.profile == "spike");
  const Profile& spike = plan.profiles.at("spike");  // the plan's replaces the built-in
  CHECK(spike.description == "short burst");
  REQUIRE(spike.stages.size() == 2);
  CHECK(spike.stages[1].users == 200);
  CHECK(*spike.stages[1].spawn_rate == 50);
  CHECK(plan.profiles.count("tiny") == 1);
  CHECK(plan.profiles.count("soak") == 1);

  REQUIRE(plan.reporters.size() == 1);
  CHECK(plan.reporters[0].plugin == "json");
  CHECK(plan.reporters[0].options.find("path")->scalar == "report.json");

  REQUIRE(plan.services.size() == 2);
  const Service& demo = plan.services[0];
  CHECK(demo.command == std::vector<std::string>{"../build/bin/stressplan-demo", "--port", "8089"});
  CHECK(demo.env == std::map<std::string, std::string>{{"DEMO_LOG", "debug"}});
  CHECK(demo.workdir == std::string(STRESSPLAN_PLAN_FIXTURES) + "/work");
  CHECK(demo.health_url == "http://127.0.0.1:8089/health");
  CHECK(demo.start_timeout == seconds(10));
  CHECK(demo.stop_timeout == seconds(2));
  CHECK(plan.services[1].command == std::vector<std::string>{"sleep", "1000"});
  CHECK(plan.services[1].workdir == STRESSPLAN_PLAN_FIXTURES);
  CHECK(plan.services[1].start_timeout == seconds(10));

  CHECK(plan.grace == seconds(3));
  CHECK(plan.workers == 2);
}

TEST_CASE("loader: defaults", "[loader]") {
  auto l = Load(kMinimal);
  INFO(l.text());
  REQUIRE(l.ok);
  CHECK(l.plan.name == "plan");  // the file's stem
  CHECK(l.plan.dir == "/tmp/plans");
  CHECK(l.plan.profile == "sustained");
  CHECK(l.plan.grace == seconds(5));
  CHECK(l.plan.workers == 0);
  CHECK(l.plan.scenarios[0].weight == 1.0);
  CHECK(l.plan.scenarios[0].think_time.max == nanoseconds(0));
  CHECK(l.plan.reporters.empty());
  CHECK(l.plan.services.empty());
  CHECK(l.plan.environment.empty());
}

TEST_CASE("loader: built-in profiles", "[loader]") {
  auto builtins = BuiltinProfiles();
  REQUIRE(builtins.size() == 4);
  const Profile& ramp = builtins.at("ramp_up");
  REQUIRE(ramp.stages.size() == 2);
  CHECK(ramp.stages[0].users == 50);
  CHECK(*ramp.stages[0].spawn_rate == 1.0);
  CHECK(TotalDuration(ramp) == seconds(120));
  CHECK(builtins.at("sustained").stages.at(0).users == 20);
  CHECK(TotalDuration(builtins.at("sustained")) == seconds(60));
  const Profile& spike = builtins.at("spike");
  REQUIRE(spike.stages.size() == 3);
  CHECK(spike.stages[1].users == 200);
  CHECK(*spike.stages[1].spawn_rate == 100.0);
  CHECK(TotalDuration(spike) == seconds(70));
  CHECK(MaxUsers(spike) == 200);
  CHECK(TotalDuration(builtins.at("soak")) == minutes(30));
}

TEST_CASE("loader: unknown keys with did-you-mean at the key", "[loader]") {
  auto l = Load(
      "tagret: {plugin: http}\n"
      "scenarios:\n"
      "  - name: s\n"
      "    wieght: 2\n"
      "    requests: [{name: r}]\n");
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 3);
  CHECK(l.errors[0].str() ==
        "plan.yaml:1:1: tagret: unknown key in the plan (did you mean \"target\"?); known keys: "
        "name, description, plugins, target, scenarios, profiles, profile, reporters, services, "
        "grace, workers, environments, chaos, thresholds, secrets, proxies, observers, compare");
  CHECK(l.errors[1].str() == "plan.yaml:1:1: target: missing; expected the target plugin block, e.g. target: {plugin: http, base_url: ...}");
  CHECK(l.errors[2].str() ==
        "plan.yaml:4:5: scenarios.0.wieght: unknown key in a scenario (did you mean \"weight\"?); "
        "known keys: name, weight, think_time, requests");
}

TEST_CASE("loader: wrong types name the expected type", "[loader]") {
  auto l = Load(
      "name: [a]\n"
      "target: http\n"
      "scenarios:\n"
      "  - name: s\n"
      "    weight: heavy\n"
      "    think_time: [1s]\n"
      "    requests: {name: r}\n"
      "workers: two\n"
      "grace: {a: 1}\n"
      "plugins: ./x\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(l.find("plan.yaml:1:7: name: expected text, got a list"));
  CHECK(l.find("plan.yaml:2:9: target: expected a plugin block (a map with plugin: and the plugin's options), got \"http\""));
  CHECK(l.find("plan.yaml:5:13: scenarios.0.weight: expected a number (e.g. 2 or 0.5), got \"heavy\""));
  CHECK(l.find("plan.yaml:6:17: scenarios.0.think_time: expected a duration (100ms), a range (100ms..2s) or {min: 100ms, max: 2s}, got a list"));
  CHECK(l.find("plan.yaml:7:15: scenarios.0.requests: expected a list of requests, got a map"));
  CHECK(l.find("plan.yaml:8:10: workers: expected a whole number (e.g. 10), got \"two\""));
  CHECK(l.find("plan.yaml:9:8: grace: expected a duration (e.g. 500ms, 30s, 5m), got a map"));
  CHECK(l.find("plan.yaml:10:10: plugins: expected a list of folders (e.g. [./build/lib/extra]), got \"./x\""));
  CHECK(l.errors.size() == 8);
}

TEST_CASE("loader: durations must be positive; think time ranges", "[loader]") {
  auto l = Load(std::string(kMinimal) +
                "profiles:\n"
                "  p:\n"
                "    stages:\n"
                "      - {duration: 0s, users: 1}\n"
                "      - {duration: -5s, users: -1, spawn_rate: 0}\n"
                "      - {duration: 5, users: 1.5}\n"
                "grace: -1s\n"
                "profile: p\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(l.find("plan.yaml:9:20: profiles.p.stages.0.duration: must be longer than 0, got \"0s\""));
  CHECK(l.find("plan.yaml:10:20: profiles.p.stages.1.duration: duration \"-5s\" is negative; durations are >= 0"));
  CHECK(l.find("plan.yaml:10:32: profiles.p.stages.1.users: must be between 0 and 10000000, got -1"));
  CHECK(l.find("plan.yaml:10:48: profiles.p.stages.1.spawn_rate: must be more than 0 users per second"));
  CHECK(l.find("plan.yaml:11:20: profiles.p.stages.2.duration: duration \"5\" has no unit"));
  CHECK(l.find("plan.yaml:11:30: profiles.p.stages.2.users: expected a whole number (e.g. 10), got \"1.5\""));
  CHECK(l.find("plan.yaml:12:8: grace: duration \"-1s\" is negative"));
  CHECK(l.errors.size() == 7);  // no "unknown profile p": it is defined, only broken

  l = Load(
      "target: {plugin: http}\n"
      "scenarios:\n"
      "  - name: a\n"
      "    think_time: 2s..1s\n"
      "    requests: [{name: r, think_time: {min: 1s}}]\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(l.find("plan.yaml:4:17: scenarios.0.think_time: the minimum is larger than the maximum; write min..max"));
  CHECK(l.find("plan.yaml:5:38: scenarios.0.requests.0.think_time.max: missing; expected a duration"));
}

TEST_CASE("loader: weights", "[loader]") {
  auto l = Load(
      "target: {plugin: http}\n"
      "scenarios:\n"
      "  - {name: a, weight: 0, requests: [{name: r}]}\n"
      "  - {name: b, weight: 0.0, requests: [{name: r}]}\n");
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() ==
        "plan.yaml:3:3: scenarios: every scenario has weight 0, so none would run; give at least one a weight > 0");

  l = Load(
      "target: {plugin: http}\n"
      "scenarios:\n"
      "  - {name: a, weight: 0, requests: [{name: r}]}\n"
      "  - {name: b, weight: 3, requests: [{name: r}]}\n"
      "  - {name: c, weight: -1, requests: [{name: r}]}\n");
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() == "plan.yaml:5:23: scenarios.2.weight: must be >= 0 (0 leaves the scenario out), got -1");

  l = Load(
      "target: {plugin: http}\n"
      "scenarios:\n"
      "  - {name: a, weight: 0, requests: [{name: r}]}\n"
      "  - {name: b, weight: 3, requests: [{name: r}]}\n");
  REQUIRE(l.ok);
  REQUIRE(l.plan.scenarios.size() == 1);  // weight 0 scenarios are left out
  CHECK(l.plan.scenarios[0].name == "b");
}

TEST_CASE("loader: required keys, uniqueness", "[loader]") {
  auto l = Load(
      "target: {base_url: x}\n"
      "scenarios:\n"
      "  - name: a\n"
      "    requests:\n"
      "      - {path: /}\n"
      "      - {name: r}\n"
      "      - {name: r}\n"
      "  - name: a\n"
      "    requests: []\n"
      "  - requests: [{name: r}]\n"
      "services:\n"
      "  - {name: s, command: []}\n"
      "  - {name: s, command: x, health: 'localhost:1'}\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(l.find("plan.yaml:1:9: target.plugin: missing; expected the plugin's name (e.g. plugin: http) or a path to its .so"));
  CHECK(l.find("plan.yaml:5:9: scenarios.0.requests.0.name: missing; expected a request name, unique in its scenario"));
  CHECK(l.find("plan.yaml:7:16: scenarios.0.requests.2.name: duplicate request name \"r\" in this scenario (also used at line 6)"));
  CHECK(l.find("plan.yaml:8:11: scenarios.1.name: duplicate scenario name \"a\" (also used at line 3); scenario names must be unique"));
  CHECK(l.find("plan.yaml:9:15: scenarios.1.requests: needs at least one request"));
  CHECK(l.find("plan.yaml:10:5: scenarios.2.name: missing; expected a unique scenario name"));
  CHECK(l.find("plan.yaml:12:24: services.0.command: must name a program to run"));
  CHECK(l.find("plan.yaml:13:12: services.1.name: duplicate service name \"s\" (also used at line 12)"));
  CHECK(l.find("plan.yaml:13:35: services.1.health: expected an http:// URL"));
  CHECK(l.errors.size() == 9);

  l = Load("target: {plugin: http}\nscenarios: []\n");
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() == "plan.yaml:2:12: scenarios: needs at least one scenario");
}

TEST_CASE("loader: unknown profile with did-you-mean at profile:", "[loader]") {
  auto l = Load(std::string(kMinimal) + "profile: spkie\n");
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() ==
        "plan.yaml:6:10: profile: unknown profile \"spkie\" (did you mean \"spike\"?); known "
        "profiles: ramp_up, soak, spike, sustained");
}

TEST_CASE("loader: chaos must be a map; thresholds must be a list", "[loader]") {
  auto l = Load(std::string(kMinimal) +
                "chaos:\n"
                "  - {plugin: latency, delay: 100ms}\n"
                "thresholds: {p99: 200ms}\n");
  INFO(l.text());
  REQUIRE(l.errors.size() == 2);
  CHECK(l.errors[0].str().find("thresholds: expected a list of thresholds") != std::string::npos);
  CHECK(l.errors[1].str().find("plan.yaml:7:3: chaos: expected a map with steps:") == 0);
}

TEST_CASE("loader: YAML and file problems", "[loader]") {
  auto l = Load("target: {plugin: http\nscenarios: []\n");
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].loc.file == "plan.yaml");
  CHECK(l.errors[0].loc.line > 0);
  CHECK(l.errors[0].message.find("YAML syntax error") == 0);

  l = Load("");
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() == "plan.yaml:1:1: the plan is empty; it needs at least target: and scenarios: (see docs/plan.md)");

  l = Load("- a\n- b\n");
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() == "plan.yaml:1:1: a plan is a map of keys (name:, target:, scenarios:, ...), got a list");

  LoadOptions options;
  Plan plan;
  Diagnostics errors;
  CHECK_FALSE(LoadPlan("/nonexistent/dir/plan.yaml", options, &plan, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == "/nonexistent/dir/plan.yaml: cannot open the plan: No such file or directory");
}

TEST_CASE("loader: plugin paths and relative plugin files", "[loader]") {
  auto l = Load(
      "plugins: [a, ../b, /c]\n"
      "target: {plugin: ./lib/stressplan-mine.so}\n"
      "reporters: [{plugin: json}, {plugin: ../r/x.so, path: out.json}]\n"
      "scenarios: [{name: s, requests: [{name: r}]}]\n");
  INFO(l.text());
  REQUIRE(l.ok);
  CHECK(l.plan.plugin_paths == std::vector<std::string>{"/tmp/plans/a", "/tmp/b", "/c"});
  CHECK(l.plan.target.plugin == "/tmp/plans/lib/stressplan-mine.so");
  CHECK(l.plan.reporters[0].plugin == "json");
  CHECK(l.plan.reporters[1].plugin == "/tmp/r/x.so");
  // Reporter options stay unresolved (the reporter's folder rule applies later).
  CHECK(l.plan.reporters[1].options.find("path")->scalar == "out.json");
}

TEST_CASE("loader: diagnostics print as file:line:col: key: message", "[loader]") {
  CHECK(Diagnostic{Location{"f.yaml", 3, 7}, "a.b", "bad"}.str() == "f.yaml:3:7: a.b: bad");
  CHECK(Diagnostic{Location{"f.yaml", 3, 0}, "", "bad"}.str() == "f.yaml:3: bad");
  CHECK(Diagnostic{Location{"--users", 0, 0}, "", "must be >= 1"}.str() == "--users: must be >= 1");
  CHECK(Diagnostic{Location{}, "k", "bad"}.str() == "k: bad");
  CHECK(Diagnostic{Location{}, "", "bad"}.str() == "bad");
}

TEST_CASE("loader: open-model and iteration-limited stages", "[loader]") {
  auto l = Load(std::string(kMinimal) +
                "profiles:\n"
                "  p:\n"
                "    stages:\n"
                "      - {duration: 10s, rate: 500/s}\n"
                "      - {duration: 10s, rate: 100/s, ramp_to: 2000/s, max_concurrency: 64}\n"
                "      - {duration: 1m, users: 5, iterations: 100}\n"
                "profile: p\n");
  INFO(l.text());
  REQUIRE(l.ok);
  const auto& st = l.plan.profiles.at("p").stages;
  REQUIRE(st.size() == 3);
  CHECK(st[0].open());
  CHECK(*st[0].rate == 500);
  CHECK_FALSE(st[0].ramp_to);
  CHECK(st[0].max_concurrency == 1000);  // the default
  CHECK(*st[1].ramp_to == 2000);
  CHECK(st[1].max_concurrency == 64);
  CHECK_FALSE(st[2].open());
  CHECK(st[2].iterations == 100);

  l = Load(std::string(kMinimal) +
           "profiles:\n"
           "  p:\n"
           "    stages:\n"
           "      - {duration: 10s, rate: 0/s}\n"
           "      - {duration: 10s, rate: 5/s, users: 3}\n"
           "      - {duration: 10s, rate: 5/s, spawn_rate: 2, iterations: 4}\n"
           "      - {duration: 10s, users: 3, ramp_to: 5/s, max_concurrency: 0}\n"
           "      - {duration: 10s}\n"
           "      - {duration: 10s, users: 3, iterations: 0}\n"
           "profile: p\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text());
  CHECK(l.find("plan.yaml:9:31: profiles.p.stages.0.rate: must be more than 0 iterations per second"));
  CHECK(l.find("profiles.p.stages.1.rate: a stage is either closed (users:) or open (rate:), not both"));
  CHECK(l.find("profiles.p.stages.2.spawn_rate: only applies to closed (users:) stages"));
  CHECK(l.find("profiles.p.stages.2.iterations: only applies to closed (users:) stages"));
  CHECK(l.find("profiles.p.stages.3.ramp_to: only applies to open (rate:) stages"));
  CHECK(l.find("profiles.p.stages.3.max_concurrency: only applies to open (rate:) stages"));
  CHECK(l.find("plan.yaml:13:9: profiles.p.stages.4.users: missing; expected the number of users"));
  CHECK(l.find("profiles.p.stages.5.iterations: must be at least 1"));
}

TEST_CASE("loader: a profile's stages may not add up past one leap year", "[loader][limits]") {
  // Two stages of 4000h fit; a third passes 8784h and is located at its duration.
  auto l = Load(std::string(kMinimal) +
                "profiles:\n"                              // 6
                "  long:\n"                                // 7
                "    stages:\n"                            // 8
                "      - {duration: 4000h, users: 1}\n"    // 9
                "      - {duration: 4000h, users: 1}\n"    // 10
                "      - {duration: 4000h, users: 1}\n"    // 11
                "profile: long\n");
  INFO(l.text());
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() ==
        "plan.yaml:11:20: profiles.long.stages.2.duration: the profile's stages add up to more than 8784h "
        "(one leap year) here, the longest a profile may run");

  // Two stages of 2,500,000 h used to give a negative total: each is refused on its own now.
  l = Load(std::string(kMinimal) +
           "profiles: {long: {stages: [{duration: 2500000h, users: 1}, {duration: 2500000h, users: 1}]}}\n"
           "profile: long\n");
  INFO(l.text());
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 2);
  CHECK(l.errors[0].str().find("plan.yaml:6:39: profiles.long.stages.0.duration: duration \"2500000h\" is too long") == 0);

  // --duration and --users have the same bounds.
  l = Load(kMinimal, LoadOptions{.duration = "9000h"});
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() == "--duration: duration \"9000h\" is too long: at most 8784h (one leap year)");
  l = Load(kMinimal, LoadOptions{.users = 10'000'001});
  REQUIRE(l.errors.size() == 1);
  CHECK(l.errors[0].str() == "--users: must be at most 10000000, got 10000001");
}

TEST_CASE("loader: a chaos step must fit in the profile of a plan as written", "[loader][chaos]") {
  const std::string plan = std::string(kMinimal) +
                           "profiles: {p: {stages: [{duration: 10s, users: 1}]}}\n"  // 6
                           "profile: p\n"                                            // 7
                           "chaos:\n"                                                // 8
                           "  steps:\n"                                              // 9
                           "    - name: in time\n"                                   // 10
                           "      at: 2s\n"                                          // 11
                           "      duration: 8s\n"                                    // 12
                           "      fault: command\n"                                  // 13
                           "    - name: too long\n"                                  // 14
                           "      at: 5s\n"                                          // 15
                           "      duration: 6s\n"                                    // 16
                           "      fault: command\n"                                  // 17
                           "    - name: too late\n"                                  // 18
                           "      at: 10s\n"                                         // 19
                           "      duration: 0s\n"                                    // 20
                           "      fault: command\n";                                 // 21
  auto l = Load(plan);
  INFO(l.text());
  REQUIRE_FALSE(l.ok);
  REQUIRE(l.errors.size() == 2);
  CHECK(l.errors[0].str() ==
        "plan.yaml:16:17: chaos step \"too long\" ends at 11s (at + duration), but the profile \"p\" ends at "
        "10s; shorten it, start it earlier or make the profile longer");
  CHECK(l.errors[1].str() ==
        "plan.yaml:19:11: chaos step \"too late\" starts at 10s, but the profile \"p\" ends at 10s; start it "
        "earlier or make the profile longer");

  // A run shortened by a flag skips (or cuts) what does not fit: not an error.
  for (const LoadOptions& shortened :
       {LoadOptions{.duration = "3s"}, LoadOptions{.users = 2}, LoadOptions{.profile = "p"}}) {
    l = Load(plan, shortened);
    INFO(l.text());
    CHECK(l.ok);
  }
  // Only --mode full puts the steps on the profile.
  for (sp::plan::RunMode mode : {sp::plan::RunMode::kLoad, sp::plan::RunMode::kChaos}) {
    LoadOptions options;
    options.mode = mode;
    CHECK(Load(plan, options).ok);
  }
}

TEST_CASE("loader: huge values are cut in messages", "[loader][limits]") {
  const std::string huge(1 << 20, 'w');
  auto l = Load(std::string(kMinimal) + "workers: " + huge + "\nprofile: " + huge + "\n" +
                "profiles: {p: {stages: [{duration: 1s, users: " + huge + "}]}}\n");
  REQUIRE_FALSE(l.ok);
  INFO(l.text().substr(0, 3000));
  CHECK(l.errors.size() == 3);  // workers, users, and the unknown profile
  CHECK(l.text().size() < 1500);
}

TEST_CASE("loader: a secret shorter than the minimum is refused at the line declaring it", "[loader]") {
  LoadOptions options;
  options.process_env = std::map<std::string, std::string>{{"SHORT", "ab"}, {"LONG", "abcd"}, {"EMPTY", ""}};
  auto l = Load(std::string(kMinimal) + "secrets:\n  - LONG\n  - EMPTY\n  - SHORT\n", options);
  CHECK_FALSE(l.ok);
  INFO(l.text());
  const Diagnostic* d = l.find("secret SHORT");
  REQUIRE(d != nullptr);
  CHECK(d->str().find("plan.yaml:9:5") != std::string::npos);
  CHECK(d->str().find("secrets.2") != std::string::npos);
  CHECK(d->str().find("at least 4 characters") != std::string::npos);
  CHECK(l.errors.size() == 1);  // LONG is long enough, EMPTY is unset: nothing to hide

  options.process_env = std::map<std::string, std::string>{{"SHORT", "abcd"}};
  auto ok = Load(std::string(kMinimal) + "secrets: [SHORT]\n", options);
  INFO(ok.text());
  REQUIRE(ok.ok);
  REQUIRE(ok.plan.secrets.size() == 1);
  CHECK(ok.plan.secrets[0].name == "SHORT");
  CHECK(ok.plan.secrets[0].value == "abcd");
}

TEST_CASE("loader: an error about a value holding a secret does not echo the secret", "[loader]") {
  LoadOptions options;
  options.process_env = std::map<std::string, std::string>{{"API_TOKEN", "tok-8f3e2a"}};
  // A secret substituted where a duration and a number belong.
  auto l = Load(std::string(kMinimal) + "secrets: [API_TOKEN]\n"
                                        "grace: ${API_TOKEN}\n"
                                        "workers: ${API_TOKEN}\n",
                options);
  CHECK_FALSE(l.ok);
  const std::string text = l.text();
  INFO(text);
  CHECK(l.errors.size() >= 2);
  CHECK(text.find("tok-8f3e2a") == std::string::npos);
  CHECK(text.find("[redacted]") != std::string::npos);
}
