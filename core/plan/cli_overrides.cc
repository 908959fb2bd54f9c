#include "core/plan/cli_overrides.h"

#include <algorithm>

#include "core/plan/limits.h"
#include "core/plan/profiles.h"
#include "core/plan/suggest.h"
#include "core/plan/units.h"

namespace sp::plan {
namespace {

Location Flag(const std::string& name) { return Location{name, 0, 0}; }

bool ParseSpawnRate(const std::string& text, double* rate, std::string* err) {
  if (!ParseRate(text, rate, err)) return false;
  if (*rate <= 0) {
    *err = "must be more than 0 users per second, got \"" + text + "\"";
    return false;
  }
  return true;
}

}  // namespace

bool CheckCliFlags(const LoadOptions& options, ParsedCliFlags* parsed, Diagnostics* errors) {
  bool ok = true;
  if (options.users && *options.users < 1) {
    ok = AddError(errors, Flag("--users"), "",
                  "must be >= 1, got " + std::to_string(*options.users));
  } else if (options.users && *options.users > limits::kMaxUsers) {
    ok = AddError(errors, Flag("--users"), "",
                  "must be at most " + std::to_string(limits::kMaxUsers) + ", got " +
                      std::to_string(*options.users));
  }
  if (options.duration) {
    Duration d{0};
    std::string err;
    if (!ParseDuration(*options.duration, &d, &err)) {
      ok = AddError(errors, Flag("--duration"), "", err);
    } else if (d.count() <= 0) {
      ok = AddError(errors, Flag("--duration"), "", "must be longer than 0, got \"" + *options.duration + "\"");
    } else {
      parsed->duration = d;
    }
  }
  if (options.spawn_rate) {
    double rate = 0;
    std::string err;
    if (!ParseSpawnRate(*options.spawn_rate, &rate, &err)) {
      ok = AddError(errors, Flag("--spawn-rate"), "", err);
    } else {
      parsed->spawn_rate = rate;
    }
  }
  if (options.profile && options.profile->empty()) {
    ok = AddError(errors, Flag("--profile"), "", "needs a profile name");
  }
  if (options.host && options.host->empty()) {
    ok = AddError(errors, Flag("--host"), "", "needs a URL, e.g. --host http://127.0.0.1:8089");
  }
  return ok;
}

bool ApplyCliOverrides(const LoadOptions& options, const ParsedCliFlags& parsed, const Location& profile_loc,
                       Plan* plan, Diagnostics* errors) {
  Location where = profile_loc;
  std::string key = "profile";
  if (options.profile) {
    plan->profile = *options.profile;
    where = Flag("--profile");
    key.clear();
  }
  auto it = plan->profiles.find(plan->profile);
  if (it == plan->profiles.end()) {
    std::vector<std::string> names;
    for (const auto& entry : plan->profiles) names.push_back(entry.first);
    return AddError(errors, where, key,
                    "unknown profile \"" + Excerpt(plan->profile) + "\"" + DidYouMean(plan->profile, names) +
                        "; known profiles: " + JoinNames(names));
  }
  Profile& profile = it->second;

  if ((options.users || parsed.duration) && !profile.workloads.empty()) {
    return AddError(
        errors, Flag(options.users ? "--users" : "--duration"), "",
        "profile \"" + Excerpt(plan->profile) +
            "\" has workloads; --users and --duration replace the stages of a profile written "
            "with stages: - shape a workload with --set profiles." +
            Excerpt(plan->profile) + ".workloads.NAME.stages.0.users=N (or .duration=T) instead");
  }
  if (options.users || parsed.duration) {
    Stage stage;
    // --duration alone keeps the model of the profile: an all-open profile becomes one open
    // stage at its highest rate; anything else one closed stage of its most users.
    bool all_open = !options.users && std::all_of(profile.stages.begin(), profile.stages.end(),
                                                  [](const Stage& s) { return s.open(); });
    if (all_open) {
      for (const Stage& s : profile.stages) {
        double top = std::max(*s.rate, s.ramp_to.value_or(0.0));
        if (!stage.rate || top > *stage.rate) stage.rate = top;
        stage.max_concurrency = std::max(stage.max_concurrency, s.max_concurrency);
      }
    } else {
      stage.users = options.users ? *options.users : MaxUsers(profile);
    }
    stage.duration = TotalDuration(profile);
    std::string origin;
    if (options.users) origin = "--users " + std::to_string(*options.users);
    if (parsed.duration) {
      stage.duration = *parsed.duration;
      origin += (origin.empty() ? "" : " ") + std::string("--duration ") + *options.duration;
    }
    stage.loc = Flag(origin);
    profile.stages.assign(1, stage);
  }
  if (parsed.spawn_rate) {
    auto set_spawn_rate = [&](std::vector<Stage>* stages) {
      for (Stage& stage : *stages) {
        if (!stage.open()) stage.spawn_rate = *parsed.spawn_rate;
      }
    };
    set_spawn_rate(&profile.stages);
    for (Workload& w : profile.workloads) set_spawn_rate(&w.stages);
  }
  return true;
}

}  // namespace sp::plan
