#include "core/cli/commands.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include "core/chaos/recover.h"
#include "core/compare/rule.h"
#include "core/cli/arguments.h"
#include "core/exit_codes.h"
#include "core/merge/merge_reports.h"
#include "core/plan/limits.h"
#include "core/plan/plan_loader.h"
#include "core/plugin/descriptor.h"
#include "core/plugin/loader.h"
#include "core/run/run.h"
#include "core/run/segment.h"
#include "core/run/start_at.h"

#ifndef STRESSPLAN_VERSION
#define STRESSPLAN_VERSION "0.0.0"
#endif

namespace sp::cli {
namespace {

using Poco::Util::Option;
using Poco::Util::OptionSet;

Option Valued(const char* name, const char* arg, const char* help, bool repeatable = false) {
  return Option(name, "", help).argument(arg).repeatable(repeatable);
}

void AddPlanOptions(OptionSet& set) {
  set.addOption(Valued("profile", "NAME", "the profile to run (overrides the plan's `profile:`)"));
  set.addOption(Valued("users", "N", "run one stage of N users instead of the profile's stages"));
  set.addOption(Valued("duration", "T", "run one stage lasting T (30s, 5m) instead of the profile's stages"));
  set.addOption(Valued("spawn-rate", "R", "users started (or stopped) per second in every stage"));
  set.addOption(Valued("host", "URL", "the target's base URL (sets target.base_url)"));
  set.addOption(Valued("env", "NAME", "apply the plan's environment overlay NAME"));
  set.addOption(Valued("set", "KEY=VALUE", "override any plan key, e.g. profiles.spike.stages.1.users=50", true));
  set.addOption(Valued("plugin-path", "DIR", "also search DIR for plugins (before the built-in folder)", true));
}

// Common to run and validate: flags -> LoadOptions -> Plan. Prints errors; false on failure.
bool LoadPlanFromArgs(const ParsedArguments& a, const std::string& command, plan::RunMode mode, plan::Plan* plan) {
  if (a.positional.size() != 1) {
    std::fprintf(stderr, "stressplan %s: expected exactly one PLAN file, got %zu arguments (see --help)\n",
                 command.c_str(), a.positional.size());
    return false;
  }
  plan::LoadOptions lo;
  lo.environment = a.last("env");
  if (a.has("set")) lo.sets = a.options.at("set");
  if (a.has("profile")) lo.profile = a.last("profile");
  if (a.has("users")) {
    // Only the syntax here; the range is the plan's to check (CheckCliFlags), once.
    const std::string v = a.last("users");
    int n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
      std::fprintf(stderr, "--users: expected a whole number of users from 1 to %lld, got '%s'\n",
                   static_cast<long long>(plan::limits::kMaxUsers), v.c_str());
      return false;
    }
    lo.users = n;
  }
  if (a.has("duration")) lo.duration = a.last("duration");
  if (a.has("spawn-rate")) lo.spawn_rate = a.last("spawn-rate");
  if (a.has("host")) lo.host = a.last("host");
  lo.mode = mode;
  plan::Diagnostics errors;
  // The plan's compare: rules are checked here, by the layer that knows the report's metrics.
  if (!plan::LoadPlan(a.positional[0], lo, plan, &errors) ||
      !compare::CheckPlanRules(*plan, &errors)) {
    for (const auto& d : errors) std::fprintf(stderr, "%s\n", d.str().c_str());
    std::fprintf(stderr, "stressplan %s: %zu error(s) in %s; nothing was run\n", command.c_str(),
                 errors.size(), a.positional[0].c_str());
    return false;
  }
  return true;
}

std::vector<std::string> PluginPaths(const ParsedArguments& a) {
  return a.has("plugin-path") ? a.options.at("plugin-path") : std::vector<std::string>{};
}

void PrintOptions(const sp_option_decl* decls, size_t n, const char* title) {
  if (n == 0) return;
  std::printf("    %s:\n", title);
  for (size_t i = 0; i < n; ++i) {
    const sp_option_decl& d = decls[i];
    std::printf("      %-18s %-9s %s%s%s%s\n", d.name, plugin::OptionTypeName(d.type),
                d.required ? "(required) " : "", d.default_value ? "(default " : "",
                d.default_value ? d.default_value : "", d.default_value ? ") " : "");
    if (d.description && d.description[0]) std::printf("      %-18s %-9s %s\n", "", "", d.description);
  }
}

// Running one slice of the plan among several generators (docs/distributed.md).
void AddSegmentOptions(OptionSet& set) {
  set.addOption(Valued("segment", "I/N",
                       "run segment I (from 0) of N of the plan's load (default: the "
                       "environment's STRESSPLAN_SEGMENT or JOB_COMPLETION_INDEX, else 0/1)"));
  set.addOption(Valued("start-at", "TIME",
                       "start the load at this wall-clock instant: RFC 3339 (2026-01-02T03:04:05Z) "
                       "or epoch seconds"));
}

// --segment (or the environment) and --start-at into *ro; prints the error naming the flag or
// the variable.
bool SegmentOptionsFromArgs(const ParsedArguments& a, run::RunOptions* ro) {
  std::string err;
  if (!run::SegmentFromSettings(
          a.last("segment"), [](const char* name) { return std::getenv(name); }, &ro->segment,
          &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return false;
  }
  if (!a.has("start-at")) return true;
  double at = 0;
  if (!run::StartAtFromFlag(a.last("start-at"), run::WallClockNow(), &at, &err)) {
    std::fprintf(stderr, "--start-at: %s\n", err.c_str());
    return false;
  }
  ro->start_at_unix_s = at;
  return true;
}

}  // namespace

const char* Version() { return STRESSPLAN_VERSION; }

int RunCommand(const std::vector<std::string>& args) {
  OptionSet set;
  AddPlanOptions(set);
  set.addOption(Valued("mode", "MODE", "load (no faults), chaos (experiments only) or full (both; default)"));
  set.addOption(Valued("report", "DIR", "folder for reports; reporters' relative paths go there (default: .)"));
  set.addOption(Option("quiet", "q", "no progress lines and no summary on the console"));
  AddSegmentOptions(set);
  ParsedArguments a;
  std::string err;
  if (!ParseArguments(args, set, &a, &err)) {
    std::fprintf(stderr, "stressplan run: %s\n", err.c_str());
    return kExitUsage;
  }
  if (a.help) {
    PrintHelp(set, "run", "PLAN [options]", "Runs a plan: starts its services, drives load, writes reports.",
              "0 passed, 1 thresholds or experiments failed, 2 plan or usage error, 3 runtime error, "
              "4 untrustworthy results, 130 interrupted");
    return kExitPassed;
  }
  run::RunOptions ro;
  const std::string mode = a.last("mode", "full");
  if (!plan::ParseRunMode(mode, &ro.mode)) {
    std::fprintf(stderr, "--mode: expected load, chaos or full, got '%s'\n", mode.c_str());
    return kExitUsage;
  }
  ro.report_dir = a.last("report", ".");
  ro.quiet = a.has("quiet");
  ro.plugin_paths = PluginPaths(a);
  ro.version = Version();
  if (!SegmentOptionsFromArgs(a, &ro)) return kExitUsage;
  plan::Plan plan;
  if (!LoadPlanFromArgs(a, "run", ro.mode, &plan)) return kExitUsage;
  return run::RunPlan(plan, ro);
}

int ValidateCommand(const std::vector<std::string>& args) {
  OptionSet set;
  AddPlanOptions(set);
  ParsedArguments a;
  std::string err;
  if (!ParseArguments(args, set, &a, &err)) {
    std::fprintf(stderr, "stressplan validate: %s\n", err.c_str());
    return kExitUsage;
  }
  if (a.help) {
    PrintHelp(set, "validate", "PLAN [options]",
              "Checks a plan and the options of the plugins it names; runs nothing.",
              "0 the plan is valid, 2 it is not (each error located) or a usage error");
    return kExitPassed;
  }
  plan::Plan plan;
  // validate has no --mode: it checks as run does by default.
  if (!LoadPlanFromArgs(a, "validate", plan::RunMode::kFull, &plan)) return kExitUsage;
  int code = run::ValidatePlugins(plan, PluginPaths(a));
  if (code == kExitPassed) {
    std::printf("%s: valid (profile %s, %zu scenario(s), %zu reporter(s), %zu service(s))\n",
                plan.file.c_str(), plan.profile.c_str(), plan.scenarios.size(),
                plan.reporters.size(), plan.services.size());
  }
  return code;
}

int PluginsCommand(const std::vector<std::string>& args) {
  OptionSet set;
  set.addOption(Valued("plugin-path", "DIR", "also search DIR for plugins", true));
  ParsedArguments a;
  std::string err;
  if (!ParseArguments(args, set, &a, &err)) {
    std::fprintf(stderr, "stressplan plugins: %s\n", err.c_str());
    return kExitUsage;
  }
  if (a.help) {
    PrintHelp(set, "plugins", "[options]",
              "Lists the plugins found on the search path: --plugin-path, STRESSPLAN_PLUGIN_PATH, "
              "then the built-in folder.",
              "0 every plugin file loaded, 2 usage error, 3 a plugin file could not be loaded (listed with "
              "the reason)");
    return kExitPassed;
  }
  plugin::Host host;
  plugin::Loader loader(&host);
  loader.SetSearchPath(plugin::SearchPath(PluginPaths(a), {}));
  std::printf("search path:\n");
  for (const auto& d : loader.search_path()) std::printf("  %s\n", d.c_str());
  int broken = 0;
  for (const auto& l : loader.ListAll()) {
    if (l.plugin == nullptr) {
      std::printf("\n! %s\n    %s\n", l.file.c_str(), l.error.c_str());
      ++broken;
      continue;
    }
    const sp_plugin_descriptor& d = l.plugin->d.desc;
    std::printf("\n%s  (%s plugin, version %s, ABI %u.%u)\n    file: %s\n", d.name,
                plugin::KindName(d.kind), d.version, d.abi_major, d.abi_minor, l.file.c_str());
    if (d.description && d.description[0]) std::printf("    %s\n", d.description);
    PrintOptions(d.options, d.option_count, "options");
    if (d.kind == SP_KIND_TARGET) {
      PrintOptions(l.plugin->d.target.request_options, l.plugin->d.target.request_option_count,
                   "request options");
    }
    if (d.kind == SP_KIND_FAULT) {
      PrintOptions(l.plugin->d.fault.site_options, l.plugin->d.fault.site_option_count,
                   "site options (a proxies: entry)");
    }
  }
  return broken ? kExitRuntime : kExitPassed;
}

int RecoverCommand(const std::vector<std::string>& args) {
  OptionSet set;
  set.addOption(Valued("report", "DIR", "the killed run's --report folder (default: .); its chaos-journal.jsonl is read"));
  set.addOption(Valued("journal", "FILE", "a chaos journal to read instead of DIR/chaos-journal.jsonl"));
  set.addOption(Valued("plugin-path", "DIR", "also search DIR for plugins", true));
  set.addOption(Option("force", "", "recover even though the run that wrote the journal seems to be running"));
  ParsedArguments a;
  std::string err;
  if (!ParseArguments(args, set, &a, &err)) {
    std::fprintf(stderr, "stressplan recover: %s\n", err.c_str());
    return kExitUsage;
  }
  if (a.help) {
    PrintHelp(set, "recover", "[options]",
              "Reverts the faults a killed run left behind (paused processes, command faults), from its chaos "
              "journal.",
              "0 nothing left to recover, 2 usage error, a missing or unreadable journal, the run still "
              "alive, or a plugin not on the plugin path (nothing recovered), 3 a fault could not be "
              "recovered (it stays in the journal)");
    return kExitPassed;
  }
  if (!a.positional.empty()) {
    std::fprintf(stderr, "stressplan recover: unexpected argument '%s' (use --report DIR or --journal FILE)\n",
                 a.positional[0].c_str());
    return kExitUsage;
  }
  chaos::RecoverOptions ro;
  ro.journal = a.has("journal") ? a.last("journal") : a.last("report", ".") + "/chaos-journal.jsonl";
  ro.plugin_paths = PluginPaths(a);
  ro.force = a.has("force");
  return chaos::Recover(ro);
}

int MergeCommand(const std::vector<std::string>& args) {
  OptionSet set;
  set.addOption(Valued("report", "OUT", "the folder the merged reports are written to (required)"));
  set.addOption(Valued("plugin-path", "DIR", "also search DIR for plugins", true));
  ParsedArguments a;
  std::string err;
  if (!ParseArguments(args, set, &a, &err)) {
    std::fprintf(stderr, "stressplan merge: %s\n", err.c_str());
    return kExitUsage;
  }
  if (a.help) {
    PrintHelp(
        set, "merge", "--report OUT DIR...",
        "Merges the JSON reports of the segments of one plan (run --segment I/N; DIR is a report "
        "folder or a report.json) into one run's reports, written by the plan's reporters into "
        "OUT.",
        "as run: 0 passed, 1 thresholds or experiments failed, 4 untrustworthy, 130 a segment was "
        "interrupted; 2 the reports were refused (different plans or segment counts, a segment "
        "missing or twice, unreadable or too old), 3 OUT or a reporter failed");
    return kExitPassed;
  }
  if (!a.has("report")) {
    std::fprintf(stderr, "stressplan merge: --report OUT is required (see --help)\n");
    return kExitUsage;
  }
  merge::MergeOptions mo;
  mo.out_dir = a.last("report");
  mo.inputs = a.positional;
  mo.plugin_paths = PluginPaths(a);
  return merge::MergeReports(mo);
}

int VersionCommand(const std::vector<std::string>& args) {
  OptionSet set;
  ParsedArguments a;
  std::string err;
  if (!ParseArguments(args, set, &a, &err)) {
    std::fprintf(stderr, "stressplan version: %s\n", err.c_str());
    return kExitUsage;
  }
  if (a.help) {
    PrintHelp(set, "version", "", "Prints the version and the plugin ABI version.", "0 printed, 2 usage error");
    return kExitPassed;
  }
  if (!a.positional.empty()) {
    std::fprintf(stderr, "stressplan version: unexpected argument '%s'\n", a.positional[0].c_str());
    return kExitUsage;
  }
  std::printf("stressplan %s (plugin ABI %d.%d)\n", Version(), SP_ABI_VERSION_MAJOR, SP_ABI_VERSION_MINOR);
  return kExitPassed;
}

}  // namespace sp::cli
