// The validated plan: plain structs, no YAML. core/plan builds it (plan_loader.h); the rest of
// the core only reads it. Every field that came from the file keeps its Location so later
// stages (plugin option checks, runtime errors) can point at the line.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/plan/value.h"

namespace sp::plan {

using Duration = std::chrono::nanoseconds;

// A `plugin:` block: the plugin's name (or a path to a .so) and the remaining keys, which
// are the plugin's options, still as a located tree. core/plan/options.h resolves them
// against the plugin's declarations once the plugin is loaded.
struct PluginRef {
  std::string plugin;
  Value options;  // Kind::Map (possibly empty) of every key except `plugin`
  Location loc;
};

// Think time between steps: a fixed value (min == max) or a uniform range.
struct ThinkTime {
  Duration min{0};
  Duration max{0};
};

// One named step of a scenario. `spec` holds every key except the core's own (`name`,
// `think_time`): the target plugin's request options (method, path, headers, body, ...).
struct Request {
  std::string name;
  Value spec;  // Kind::Map
  Location loc;
  std::optional<ThinkTime> think_time;  // `think_time:` on the request: replaces the scenario's after this step
};

struct Scenario {
  std::string name;
  double weight = 1.0;  // > 0 (scenarios written with weight 0 are left out of Plan::scenarios)
  ThinkTime think_time;  // after each request of the scenario
  std::vector<Request> requests;  // at least one
  Location loc;
};

// One stage of a profile, in one of two workload models:
// - closed (`users`): that many virtual users loop their scenarios for `duration`; when the
//   stage starts, users are added or removed at `spawn_rate` users per second (absent: at
//   once). With `iterations`, the stage also ends once that many iterations have finished.
// - open (`rate`): iterations start on schedule at `rate` per second (ramping linearly to
//   `ramp_to` over the stage when set), whether or not the server keeps up; at most
//   `max_concurrency` run at once, and starts beyond that are counted as dropped.
struct Stage {
  Duration duration{0};  // > 0; with `iterations`, the longest the stage may last
  int users = 0;  // closed model: >= 0
  std::optional<double> spawn_rate;  // closed model: users per second, > 0
  uint64_t iterations = 0;  // closed model: end after this many iterations; 0 = by duration only
  std::optional<double> rate;  // open model: iterations per second, > 0
  std::optional<double> ramp_to;  // open model: the rate at the stage's end, >= 0
  int max_concurrency = 0;  // open model: iterations in flight at most (default 1000)
  Location loc;

  bool open() const { return rate.has_value(); }
};

// A pass/fail criterion (docs/plan.md, "thresholds"). Values are held in the metric's unit:
// milliseconds for latency and service time, a ratio 0..1 for error_rate and checks, per
// second for rps, a count otherwise.
struct Threshold {
  enum class Op { Lt, Le, Gt, Ge, Eq, Ne };
  std::string text;       // as written, "latency.p95 < 500ms"
  std::string metric;     // "latency.p95", "error_rate", "events.circuit_open", ...
  Op op = Op::Lt;
  double value = 0;
  std::string value_text;  // "500ms", "1%"
  std::string request;    // scope: a "scenario/request" step name; empty = the whole run
  std::string workload;   // scope: one of the selected profile's workloads; empty = all
  Location workload_loc;  // where `workload:` was written (checked once the profile is chosen)
  std::string workload_key;  // ... and its plan key, "thresholds.2.workload"
  Duration window{0};     // > 0: must hold over every `window` of the run ("for 10s")
  bool abort_on_fail = false;  // stop the run at the first failure
  Location loc;
  // Set by --mode and by chaos steps that cannot run (core/run/run_mode.cc): why this run
  // cannot judge it. A skipped threshold is reported as such and never fails the run.
  std::string skip_reason;
};

// One of a profile's workloads (docs/plan.md, "workloads"): its own mix of scenarios and its
// own stages, starting `start` after the run's start, on the same load threads as the others.
// A profile written with `stages:` is one workload without a name (WorkloadsOf, profiles.h).
struct Workload {
  std::string name;  // empty: the one workload of a `stages:` profile
  // The scenarios it runs, each with its weight, in the plan's order; empty: every scenario
  // with its own weight.
  std::vector<std::pair<std::string, double>> mix;
  Duration start{0};          // after the run's start
  std::vector<Stage> stages;  // at least one
  // Its own `thresholds:`, scoped to it; added to Plan::thresholds when its profile is the
  // one selected (CheckThresholdScopes, threshold_schema.h).
  std::vector<Threshold> thresholds;
  Location loc;
};

struct Profile {
  std::string name;
  std::string description;
  std::vector<Stage> stages;        // `stages:`: at least one; empty when the profile has workloads
  std::vector<Workload> workloads;  // `workloads:`: at least one; empty when it has stages
  Location loc;
};

// A process the run starts before load and stops after it (e.g. the demo target).
struct Service {
  std::string name;
  std::vector<std::string> command;  // argv; command[0] resolved through PATH or the plan's folder
  std::map<std::string, std::string> env;  // added to the inherited environment
  std::string workdir;                     // absolute; default: the plan's folder
  std::string health_url;  // http://host:port/path polled until it answers 2xx; empty: none
  Duration start_timeout{std::chrono::seconds(10)};
  Duration stop_timeout{std::chrono::seconds(5)};  // SIGTERM, then SIGKILL after this
  Location loc;
};

// A `secrets:` entry. A value shorter than kMinSecretLength is refused when the plan is
// loaded: redacting every "ab" in a report would hide more than it protects.
constexpr size_t kMinSecretLength = 4;
struct Secret {
  std::string name;
  std::string value;  // empty: the variable is unset, nothing to redact
  Location loc;
};

// A `proxies:` entry: a long-lived site of a fault plugin (the fault proxy by default) that
// chaos steps act on by name. `site.options` holds every key except `name` and `plugin`.
struct ProxySite {
  std::string name;
  PluginRef site;  // site.plugin: `plugin:`, default "proxy"
  Location loc;
};

// An HTTP steady-state probe (docs/chaos.md): GET/POST a URL and judge the answer.
struct HttpProbe {
  std::string url;
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<int> statuses;  // empty: any 2xx
  std::string body_contains;
  std::string json_path;
  std::optional<std::string> json_equals;  // JSON text
  Duration timeout{std::chrono::seconds(2)};
};

// One probe of the steady-state hypothesis: an HTTP probe, or a threshold over the run's last
// `window` (metric probes only make sense with load running).
struct Probe {
  std::string name;
  std::optional<HttpProbe> http;
  std::optional<Threshold> threshold;
  Duration window{std::chrono::seconds(5)};
  Location loc;
};

// One chaos step: the fault plugin `fault.plugin` with its options, injected at `at` for
// `duration`, on the proxy site `proxy` when set.
struct ChaosStep {
  std::string name;
  Duration at{0};
  Duration duration{0};
  PluginRef fault;
  std::string proxy;
  Location loc;
  Location at_loc;        // where `at:` and `duration:` were written
  Location duration_loc;
};

// When a fault's effect counts as over (docs/chaos.md, "Recovery time").
struct RecoverySettings {
  int windows = 3;
  Duration deadline{std::chrono::seconds(30)};
  Duration baseline{std::chrono::seconds(10)};
  double error_rate_margin = 0.01;
  double latency_factor = 1.5;
};

struct Chaos {
  std::vector<ChaosStep> steps;  // in order of `at`
  std::vector<Probe> steady_state;
  RecoverySettings recovery;
  double probe_rate = 2;  // --mode chaos: iterations per second of light probe traffic
  std::string circuit_event = "circuit_open";  // the response-rule event that means "breaker open"
  Location loc;
};

// An `observers:` entry: a Prometheus text endpoint polled during the run for the circuit
// breaker's state (a gauge) or its trips (a counter).
struct Observer {
  std::string name;
  std::string url;
  Duration interval{std::chrono::seconds(1)};
  std::string metric;  // selector: name{label="value",...}
  bool counter = false;  // type: gauge (default) | counter
  double open_at = 1;    // gauge: open while value >= open_at
  Location loc;
};

// One of the plan's `compare:` rules, as written: `stressplan compare` judges a later run's
// report against a baseline's with them. The plan keeps the text; the commands that load a
// plan check it with core/compare/rule.h (the plan language does not know the report's
// metrics), and the run_start document carries it.
struct CompareRuleText {
  std::string text;
  Location loc;
  std::string key;  // "compare.2"
};

struct Plan {
  std::string file;  // as given on the command line
  std::string dir;  // absolute folder of the plan file; relative paths resolve against it
  std::string name;  // `name:`, default: the file's stem
  std::string description;
  std::string environment;  // the --env overlay applied, or empty

  PluginRef target;
  std::vector<Scenario> scenarios;
  std::map<std::string, Profile> profiles;  // built-ins merged with the plan's own
  std::string profile;  // the selected profile (plan's `profile:` or --profile); exists in profiles
  std::vector<PluginRef> reporters;
  std::vector<Service> services;
  std::vector<std::string> plugin_paths;  // `plugins:` entries made absolute
  Duration grace{std::chrono::seconds(5)};  // how long in-flight requests may finish at the end
  int workers = 0;  // load threads; 0 = one per core
  std::vector<Threshold> thresholds;
  // `secrets:`: variables whose values must never appear in a report, a log or the
  // journal, each with its value (from the environment overlay or the process environment)
  // as the run will redact it (core/report/redact.h).
  std::vector<Secret> secrets;
  std::vector<ProxySite> proxies;
  Chaos chaos;
  std::vector<Observer> observers;
  std::vector<CompareRuleText> compare;
};

}  // namespace sp::plan
