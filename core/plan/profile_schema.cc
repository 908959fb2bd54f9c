#include "core/plan/profile_schema.h"

#include <algorithm>
#include <vector>

#include "core/plan/limits.h"
#include "core/plan/profiles.h"
#include "core/plan/schema_reader.h"
#include "core/plan/suggest.h"
#include "core/plan/threshold_schema.h"
#include "core/plan/units.h"

namespace sp::plan {
namespace {

std::string Index(const std::string& key, size_t i) { return JoinKey(key, std::to_string(i)); }

class ProfileReader : public SchemaReader {
 public:
  ProfileReader(const std::set<std::string>& zero_weight, Plan* plan, Diagnostics* errors)
      : SchemaReader(errors), zero_weight_(zero_weight), plan_(plan) {
    for (const Scenario& s : plan->scenarios) scenarios_.push_back(s.name);
  }

  void Profiles(const Value& v) {
    if (!IsMap(v, "profiles", "a map of profile names to profiles")) return;
    for (const auto& [name, p] : v.entries) {
      const std::string key = JoinKey("profiles", name);
      // Replaces a built-in of the same name. Inserted before it is checked, so that when it
      // has errors (and the plan fails anyway) `profile: <name>` is not also reported unknown.
      Profile& profile = plan_->profiles[name];
      profile = Profile{};
      profile.name = name;
      profile.loc = p.loc;
      if (!IsMap(p, key, "a profile (a map with stages: or workloads:)")) continue;
      Track(CheckKeys(p, key, {"description", "stages", "workloads"}, "a profile", errors_));
      if (const Value* d = Get(p, "description"))
        Text(*d, JoinKey(key, "description"), &profile.description);
      const Value* stages = Get(p, "stages");
      const Value* workloads = Get(p, "workloads");
      if (stages && workloads) {
        Fail(workloads->loc, JoinKey(key, "workloads"),
             "a profile has either stages: (one workload) or workloads: (several at once), not "
             "both; "
             "the stages line is " +
                 std::to_string(stages->loc.line));
      } else if (workloads) {
        Workloads(*workloads, JoinKey(key, "workloads"), &profile.workloads);
      } else if (stages) {
        Stages(*stages, JoinKey(key, "stages"), Duration{0}, &profile.stages);
      } else {
        Missing(p, "stages",
                "a list of at least one stage ({duration: 30s, users: 10}), or workloads: (see "
                "docs/plan.md)",
                key);
      }
    }
  }

 private:
  // A list of stages that starts `offset` after the run's start; the whole must end within
  // limits::kMaxDuration.
  void Stages(const Value& stages, const std::string& skey, Duration offset,
              std::vector<Stage>* out) {
    if (!IsList(stages, skey, "a list of stages")) return;
    if (stages.items.empty()) {
      Fail(stages.loc, skey, "needs at least one stage");
      return;
    }
    Duration total = offset;
    for (size_t i = 0; i < stages.items.size(); ++i) {
      Stage stage;
      if (!StageValue(stages.items[i], Index(skey, i), &stage)) continue;
      // Each stage (and the offset) is at most limits::kMaxDuration, so this sum cannot
      // overflow before the check stops it.
      total += stage.duration;
      if (total > limits::kMaxDuration) {
        const Value* d = Get(stages.items[i], "duration");
        Fail(d ? d->loc : stage.loc, JoinKey(Index(skey, i), "duration"),
             "the profile's stages add up to more than " + std::string(limits::kMaxDurationText) +
                 " here, the longest a profile may run");
        break;
      }
      out->push_back(stage);
    }
  }

  void Workloads(const Value& v, const std::string& key, std::vector<Workload>* out) {
    if (!IsMap(v, key,
               "a map of workload names to workloads ({browse: {scenarios: [browse], stages: "
               "[...]}})"))
      return;
    if (v.entries.empty()) {
      Fail(v.loc, key, "needs at least one workload");
      return;
    }
    int64_t slots = 0;
    for (const auto& [name, w] : v.entries) {
      Workload workload;
      workload.name = name;
      workload.loc = w.loc;
      const std::string wkey = JoinKey(key, name);
      if (!IsMap(w, wkey,
                 "a workload (a map with stages: and optionally scenarios:, start:, thresholds:)"))
        continue;
      WorkloadValue(w, wkey, &workload);
      slots += MaxSlots(workload.stages);
      out->push_back(std::move(workload));
    }
    if (slots > limits::kMaxUsers) {
      Fail(v.loc, key,
           "the workloads together need " + std::to_string(slots) +
               " virtual users at once, more than " + std::to_string(limits::kMaxUsers));
    }
  }

  void WorkloadValue(const Value& w, const std::string& key, Workload* workload) {
    Track(CheckKeys(w, key, {"scenarios", "stages", "start", "thresholds"}, "a workload", errors_));
    if (const Value* s = Get(w, "start")) {
      Dur(*s, JoinKey(key, "start"), &workload->start, /*positive=*/false);
      if (workload->start > limits::kMaxDuration) {
        Fail(s->loc, JoinKey(key, "start"),
             "must be at most " + std::string(limits::kMaxDurationText));
        workload->start = Duration{0};
      }
    }
    if (const Value* s = Get(w, "scenarios")) Mix(*s, JoinKey(key, "scenarios"), &workload->mix);
    if (const Value* s = Required(w, key, "stages",
                                  "a list of at least one stage ({duration: 30s, users: 10})")) {
      Stages(*s, JoinKey(key, "stages"), workload->start, &workload->stages);
    }
    if (const Value* t = Get(w, "thresholds")) {
      Track(BuildThresholds(*t, JoinKey(key, "thresholds"), *plan_, workload->name,
                            &workload->thresholds, errors_));
    }
  }

  // scenarios: [a, b] (their own weights) or {a: 3, b: 1} (these weights).
  void Mix(const Value& v, const std::string& key,
           std::vector<std::pair<std::string, double>>* mix) {
    if (v.is_sequence()) {
      for (size_t i = 0; i < v.items.size(); ++i) {
        std::string name;
        if (!Text(v.items[i], Index(key, i), &name) ||
            !KnownScenario(v.items[i].loc, Index(key, i), name))
          continue;
        mix->emplace_back(name, WeightOf(name));
      }
    } else if (v.is_map()) {
      for (size_t i = 0; i < v.entries.size(); ++i) {
        const auto& [name, weight] = v.entries[i];
        const std::string wkey = JoinKey(key, name);
        double w = 0;
        if (!KnownScenario(v.key_loc(i), wkey, name) ||
            !Track(ReadFloat(weight, wkey, &w, errors_)))
          continue;
        if (w <= 0) {
          Fail(weight.loc, wkey,
               "a weight must be more than 0 (leave the scenario out instead), got " +
                   Excerpt(weight.scalar));
          continue;
        }
        mix->emplace_back(name, w);
      }
    } else {
      Fail(v.loc, key,
           "expected a list of scenario names ([browse, search]) or a map of names to weights "
           "({search: 3, item: 1}), got " +
               Describe(v));
      return;
    }
    if (v.items.empty() && v.entries.empty()) Fail(v.loc, key, "needs at least one scenario");
  }

  bool KnownScenario(const Location& loc, const std::string& key, const std::string& name) {
    // When the scenarios themselves failed, their names are no reference.
    if (scenarios_.empty()) return false;
    if (std::find(scenarios_.begin(), scenarios_.end(), name) != scenarios_.end()) return true;
    if (zero_weight_.count(name)) {
      Fail(loc, key,
           "scenario \"" + Excerpt(name) +
               "\" has weight 0, which leaves it out of the plan; give it a weight > 0 in "
               "scenarios:");
    } else {
      Fail(loc, key,
           "no scenario \"" + Excerpt(name) + "\"" + DidYouMean(name, scenarios_) +
               "; scenarios: " + JoinNames(scenarios_));
    }
    return false;
  }

  double WeightOf(const std::string& name) const {
    for (const Scenario& s : plan_->scenarios) {
      if (s.name == name) return s.weight;
    }
    return 1.0;
  }

  bool StageValue(const Value& v, const std::string& key, Stage* stage) {
    const bool before = ok_;
    ok_ = true;
    stage->loc = v.loc;
    if (IsMap(v, key, "a stage (a map with duration: and users: or rate:)")) {
      Track(CheckKeys(
          v, key,
          {"duration", "users", "spawn_rate", "iterations", "rate", "ramp_to", "max_concurrency"},
          "a stage", errors_));
      if (const Value* d = Get(v, "duration")) {
        Dur(*d, JoinKey(key, "duration"), &stage->duration, /*positive=*/true);
      } else {
        Missing(v, "duration", "how long the stage lasts (e.g. 30s)", key);
      }
      const Value* u = Get(v, "users");
      const Value* r = Get(v, "rate");
      if (u && r) {
        Fail(r->loc, JoinKey(key, "rate"),
             "a stage is either closed (users:) or open (rate:), not both; the users line is " +
                 std::to_string(u->loc.line));
      } else if (!u && !r) {
        Missing(v, "users",
                "the number of users (closed model) or rate: iterations per second (open model)",
                key);
      }
      if (u) ClosedStage(v, *u, key, stage);
      if (r) OpenStage(v, *r, key, stage);
    }
    const bool good = ok_;
    ok_ = before && good;
    return good;
  }

  // Keys that belong to the other model are refused with a pointer to the one that does.
  void OnlyWith(const Value& v, const char* name, const char* model, const std::string& key) {
    if (const Value* x = Get(v, name)) {
      Fail(x->loc, JoinKey(key, name), std::string("only applies to ") + model + " stages");
    }
  }

  void ClosedStage(const Value& v, const Value& u, const std::string& key, Stage* stage) {
    int64_t users = 0;
    if (Int(u, JoinKey(key, "users"), &users)) {
      if (users < 0 || users > limits::kMaxUsers) {
        Fail(u.loc, JoinKey(key, "users"),
             "must be between 0 and " + std::to_string(limits::kMaxUsers) + ", got " +
                 Excerpt(u.scalar));
      } else {
        stage->users = static_cast<int>(users);
      }
    }
    if (const Value* r = Get(v, "spawn_rate")) {
      double rate = 0;
      if (Track(ReadRate(*r, JoinKey(key, "spawn_rate"), &rate, errors_))) {
        if (rate <= 0) {
          Fail(r->loc, JoinKey(key, "spawn_rate"),
               "must be more than 0 users per second (leave it out to start users at once)");
        } else {
          stage->spawn_rate = rate;
        }
      }
    }
    if (const Value* it = Get(v, "iterations")) {
      int64_t n = 0;
      if (Int(*it, JoinKey(key, "iterations"), &n)) {
        if (n < 1) {
          Fail(it->loc, JoinKey(key, "iterations"),
               "must be at least 1 (leave it out to end by duration)");
        } else {
          stage->iterations = static_cast<uint64_t>(n);
        }
      }
    }
    OnlyWith(v, "ramp_to", "open (rate:)", key);
    OnlyWith(v, "max_concurrency", "open (rate:)", key);
  }

  void OpenStage(const Value& v, const Value& r, const std::string& key, Stage* stage) {
    double rate = 0;
    if (Track(ReadRate(r, JoinKey(key, "rate"), &rate, errors_))) {
      if (rate <= 0) {
        Fail(r.loc, JoinKey(key, "rate"), "must be more than 0 iterations per second (e.g. 200/s)");
      } else {
        stage->rate = rate;
      }
    }
    if (const Value* t = Get(v, "ramp_to")) {
      double to = 0;
      if (Track(ReadRate(*t, JoinKey(key, "ramp_to"), &to, errors_))) {
        if (to < 0) {
          Fail(t->loc, JoinKey(key, "ramp_to"), "must be 0 or more iterations per second");
        } else {
          stage->ramp_to = to;
        }
      }
    }
    stage->max_concurrency = 1000;
    if (const Value* c = Get(v, "max_concurrency")) {
      int64_t n = 0;
      if (Int(*c, JoinKey(key, "max_concurrency"), &n)) {
        if (n < 1 || n > limits::kMaxUsers) {
          Fail(c->loc, JoinKey(key, "max_concurrency"),
               "must be between 1 and " + std::to_string(limits::kMaxUsers) + ", got " +
                   Excerpt(c->scalar));
        } else {
          stage->max_concurrency = static_cast<int>(n);
        }
      }
    }
    OnlyWith(v, "spawn_rate", "closed (users:)", key);
    OnlyWith(v, "iterations", "closed (users:)", key);
  }

  const std::set<std::string>& zero_weight_;
  Plan* plan_;
  std::vector<std::string> scenarios_;
};

}  // namespace

bool BuildProfiles(const Value& v, const std::set<std::string>& zero_weight, Plan* plan,
                   Diagnostics* errors) {
  ProfileReader reader(zero_weight, plan, errors);
  reader.Profiles(v);
  return reader.ok();
}

}  // namespace sp::plan
