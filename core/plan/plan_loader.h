// Loading a plan: the one entry point the CLI calls.
//
//   YAML text --(yaml_loader)--> located tree
//     --(overlay: environments + --env)--> --(substitute: ${VAR})--> --(--set, --host)-->
//     --(plan_schema)--> Plan --(cli_overrides: --profile/--users/--duration/--spawn-rate)-->
//     --(chaos timeline: steps fit in the profile, unless flags shortened it)-->
//
// Errors are collected per phase: YAML syntax stops everything; environment, variable,
// --set and flag errors are all reported together and stop before validation (whose
// messages would only echo them); validation then reports every plan error it finds.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/plan/diagnostic.h"
#include "core/plan/mode.h"
#include "core/plan/plan.h"

namespace sp::plan {

// Every member has a default initializer so that designated initializers
// (LoadOptions{.users = 5}) compile without -Wmissing-field-initializers noise.
struct LoadOptions {
  std::string environment{};             // --env NAME ("" = none)
  std::vector<std::string> sets{};       // --set K=V, in order
  std::optional<std::string> profile{};  // --profile NAME
  std::optional<int> users{};            // --users N   (>= 1)
  std::optional<std::string> duration{};    // --duration T (raw text, parsed with units)
  std::optional<std::string> spawn_rate{};  // --spawn-rate N (users per second, > 0; plain number or rate syntax)
  std::optional<std::string> host{};        // --host URL  -> overrides target option base_url
  // run --mode: only full puts the chaos steps on the profile's timeline, so only then must
  // a plan's steps fit in its profile (validate checks as run does by default).
  RunMode mode = RunMode::kFull;
  std::optional<std::map<std::string, std::string>> process_env{};  // nullopt: use the real environ
};

// Reads, substitutes, overlays, applies --set and the CLI overrides, validates. Collects ALL
// errors it can (not only the first) into *errors; returns false if any. Never throws.
// Plan::file is `path` as given; Plan::dir its absolute folder.
bool LoadPlan(const std::string& path, const LoadOptions& options, Plan* plan,
              std::vector<Diagnostic>* errors);

// The same from text (for tests): `file_name` is what locations show, `dir` the folder
// relative paths resolve against (made absolute).
bool LoadPlanFromString(const std::string& text, const std::string& file_name, const std::string& dir,
                        const LoadOptions& options, Plan* plan, std::vector<Diagnostic>* errors);

}  // namespace sp::plan
