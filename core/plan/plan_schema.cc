#include "core/plan/plan_schema.h"

#include <algorithm>

#include "core/plan/suggest.h"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>

#include "core/plan/chaos_schema.h"
#include "core/plan/limits.h"
#include "core/plan/profile_schema.h"
#include "core/plan/profiles.h"
#include "core/plan/schema_reader.h"
#include "core/plan/threshold_schema.h"
#include "core/plan/typed_value.h"

namespace sp::plan {
namespace {

namespace fs = std::filesystem;

std::string Absolute(const std::string& base, const std::string& path) {
  fs::path p(path);
  if (p.is_relative()) p = fs::path(base) / p;
  return p.lexically_normal().string();
}

std::string Index(const std::string& key, size_t i) { return JoinKey(key, std::to_string(i)); }

// Reader for one map: remembers whether anything failed.
class Schema : public SchemaReader {
 public:
  Schema(Plan* plan, Diagnostics* errors) : SchemaReader(errors), plan_(plan) {}

  void Root(const Value& root, Location* profile_loc) {
    *profile_loc = root.loc;
    plan_->name = fs::path(plan_->file).stem().string();
    plan_->profiles = BuiltinProfiles();
    plan_->profile = kDefaultProfile;
    if (root.is_null()) {
      Fail(Location{plan_->file, root.loc.line > 0 ? root.loc.line : 1, 1}, "",
           "the plan is empty; it needs at least target: and scenarios: (see docs/plan.md)");
      return;
    }
    if (!root.is_map()) {
      Fail(root.loc, "",
           "a plan is a map of keys (name:, target:, scenarios:, ...), got " + Describe(root));
      return;
    }
    if (!CheckKeys(root, "", PlanKeys(), "the plan", errors_)) ok_ = false;

    if (const Value* v = Get(root, "name")) Text(*v, "name", &plan_->name);
    if (const Value* v = Get(root, "description")) Text(*v, "description", &plan_->description);
    if (const Value* v = Get(root, "plugins")) Plugins(*v);

    if (const Value* v = Get(root, "target")) {
      PluginBlock(*v, "target", &plan_->target);
    } else {
      Missing(root, "target", "the target plugin block, e.g. target: {plugin: http, base_url: ...}");
    }

    if (const Value* v = Get(root, "scenarios")) {
      Scenarios(*v);
    } else {
      Missing(root, "scenarios", "a list of at least one scenario");
    }

    if (const Value* v = Get(root, "profiles"))
      Track(BuildProfiles(*v, zero_weight_, plan_, errors_));

    if (const Value* v = Get(root, "profile")) {
      *profile_loc = v->loc;
      Text(*v, "profile", &plan_->profile);
    }

    if (const Value* v = Get(root, "reporters")) Reporters(*v);
    if (const Value* v = Get(root, "services")) Services(*v);

    if (const Value* v = Get(root, "grace")) Dur(*v, "grace", &plan_->grace, /*positive=*/false);
    if (const Value* v = Get(root, "workers")) {
      int64_t workers = 0;
      if (Int(*v, "workers", &workers)) {
        if (workers < 0 || workers > 4096) {
          Fail(v->loc, "workers", "must be between 0 and 4096 (0 = one per core), got " + Excerpt(v->scalar));
        } else {
          plan_->workers = static_cast<int>(workers);
        }
      }
    }
    if (const Value* v = Get(root, "thresholds")) {
      Track(BuildThresholds(*v, "thresholds", *plan_, "", &plan_->thresholds, errors_));
    }
    if (const Value* v = Get(root, "secrets")) Secrets(*v);
    if (const Value* v = Get(root, "compare")) CompareRules(*v);
    // After services and scenarios: chaos steps refer to services and proxies by name.
    Track(BuildChaos(root, plan_, errors_));
  }

  // compare: rules for `stressplan compare`, kept as text (checked by the commands).
  void CompareRules(const Value& v) {
    if (!IsList(v, "compare",
                "a list of rules (e.g. [\"latency.p95 +10%\", \"error_rate +0.5pp\"])")) {
      return;
    }
    for (size_t i = 0; i < v.items.size(); ++i) {
      CompareRuleText rule{"", v.items[i].loc, Index("compare", i)};
      if (Text(v.items[i], rule.key, &rule.text)) plan_->compare.push_back(std::move(rule));
    }
  }

  // secrets: names of variables whose values are redacted from every report.
  void Secrets(const Value& v) {
    if (!IsList(v, "secrets", "a list of variable names (e.g. [API_TOKEN, WEBHOOK_SECRET])")) return;
    for (size_t i = 0; i < v.items.size(); ++i) {
      std::string name;
      const std::string key = Index("secrets", i);
      if (!Text(v.items[i], key, &name)) continue;
      bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
      for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      if (!ok) {
        Fail(v.items[i].loc, key, "a variable name is letters, digits and _ (as in ${NAME}), got \"" + name + "\"");
        continue;
      }
      plan_->secrets.push_back(Secret{name, "", v.items[i].loc});
    }
  }

 private:
  void Plugins(const Value& v) {
    if (!IsList(v, "plugins", "a list of folders (e.g. [./build/lib/extra])")) return;
    for (size_t i = 0; i < v.items.size(); ++i) {
      std::string folder;
      if (NonEmptyText(v.items[i], Index("plugins", i), &folder)) {
        plan_->plugin_paths.push_back(Absolute(plan_->dir, folder));
      }
    }
  }

  void PluginBlock(const Value& v, const std::string& key, PluginRef* out) {
    out->loc = v.loc;
    out->options = MakeMap(v.loc);
    if (!IsMap(v, key, "a plugin block (a map with plugin: and the plugin's options)")) return;
    for (size_t i = 0; i < v.entries.size(); ++i) {
      if (v.entries[i].first == "plugin") continue;
      out->options.set(v.entries[i].first, v.entries[i].second, v.key_loc(i));
    }
    const Value* name = Get(v, "plugin");
    if (!name) {
      Missing(v, "plugin", "the plugin's name (e.g. plugin: http) or a path to its .so", key);
      return;
    }
    if (!NonEmptyText(*name, JoinKey(key, "plugin"), &out->plugin)) return;
    // A path (anything with a slash) is made absolute like every other plan path; a bare
    // name is looked up in the plugin folders.
    if (out->plugin.find('/') != std::string::npos) out->plugin = Absolute(plan_->dir, out->plugin);
  }

  bool ThinkTimeValue(const Value& v, const std::string& key, ThinkTime* out) {
    ThinkTime t;
    if (v.is_map()) {
      if (!Track(CheckKeys(v, key, {"min", "max"}, "a think time", errors_))) return false;
      const Value* min = Get(v, "min");
      const Value* max = Get(v, "max");
      if (!min) Missing(v, "min", "a duration", key);
      if (!max) Missing(v, "max", "a duration", key);
      if (!min || !max) return false;
      bool good = Dur(*min, JoinKey(key, "min"), &t.min, false);
      good = Dur(*max, JoinKey(key, "max"), &t.max, false) && good;
      if (!good) return false;
    } else if (v.is_scalar()) {
      size_t dots = v.scalar.find("..");
      if (dots == std::string::npos) {
        if (!Dur(v, key, &t.min, false)) return false;
        t.max = t.min;
      } else {
        Value lo = v, hi = v;
        lo.scalar = v.scalar.substr(0, dots);
        hi.scalar = v.scalar.substr(dots + 2);
        bool good = Dur(lo, key, &t.min, false);
        good = Dur(hi, key, &t.max, false) && good;
        if (!good) return false;
      }
    } else {
      Fail(v.loc, key,
           "expected a duration (100ms), a range (100ms..2s) or {min: 100ms, max: 2s}, got " +
               Describe(v));
      return false;
    }
    if (t.min > t.max) {
      Fail(v.loc, key, "the minimum is larger than the maximum; write min..max");
      return false;
    }
    *out = t;
    return true;
  }

  void Scenarios(const Value& v) {
    if (!IsList(v, "scenarios", "a list of scenarios")) return;
    if (v.items.empty()) {
      Fail(v.loc, "scenarios", "needs at least one scenario");
      return;
    }
    std::map<std::string, Location> seen;
    std::vector<Scenario> all;
    bool scenarios_ok = true;
    for (size_t i = 0; i < v.items.size(); ++i) {
      Scenario s;
      const bool before = ok_;
      ok_ = true;
      ScenarioValue(v.items[i], Index("scenarios", i), &s, &seen);
      if (!ok_) scenarios_ok = false;
      ok_ = ok_ && before;
      all.push_back(std::move(s));
    }
    if (!scenarios_ok) return;
    double total = 0;
    for (const Scenario& s : all) total += s.weight;
    if (total <= 0) {
      Fail(v.loc, "scenarios",
           "every scenario has weight 0, so none would run; give at least one a weight > 0");
      return;
    }
    for (Scenario& s : all) {
      if (s.weight > 0) {
        plan_->scenarios.push_back(std::move(s));
      } else {
        zero_weight_.insert(s.name);
      }
    }
  }

  void ScenarioValue(const Value& v, const std::string& key, Scenario* s,
                     std::map<std::string, Location>* seen) {
    s->loc = v.loc;
    if (!IsMap(v, key, "a scenario (a map with name: and requests:)")) return;
    Track(CheckKeys(v, key, {"name", "weight", "think_time", "requests"}, "a scenario", errors_));
    if (const Value* name = Get(v, "name")) {
      if (NonEmptyText(*name, JoinKey(key, "name"), &s->name)) {
        auto [it, inserted] = seen->emplace(s->name, name->loc);
        if (!inserted) {
          Fail(name->loc, JoinKey(key, "name"),
               "duplicate scenario name \"" + s->name + "\" (also used at line " +
                   std::to_string(it->second.line) + "); scenario names must be unique");
        }
      }
    } else {
      Missing(v, "name", "a unique scenario name", key);
    }
    if (const Value* w = Get(v, "weight")) {
      double weight = 0;
      if (Track(ReadFloat(*w, JoinKey(key, "weight"), &weight, errors_))) {
        if (weight < 0) {
          Fail(w->loc, JoinKey(key, "weight"), "must be >= 0 (0 leaves the scenario out), got " + Excerpt(w->scalar));
        } else {
          s->weight = weight;
        }
      }
    }
    if (const Value* t = Get(v, "think_time")) ThinkTimeValue(*t, JoinKey(key, "think_time"), &s->think_time);
    const Value* requests = Get(v, "requests");
    const std::string rkey = JoinKey(key, "requests");
    if (!requests) {
      Missing(v, "requests", "a list of at least one request", key);
      return;
    }
    if (!IsList(*requests, rkey, "a list of requests")) return;
    if (requests->items.empty()) {
      Fail(requests->loc, rkey, "needs at least one request");
      return;
    }
    std::map<std::string, Location> names;
    for (size_t i = 0; i < requests->items.size(); ++i) {
      const Value& r = requests->items[i];
      const std::string ikey = Index(rkey, i);
      Request req;
      req.loc = r.loc;
      req.spec = MakeMap(r.loc);
      if (!IsMap(r, ikey, "a request (a map with name: and the target's request options)")) continue;
      for (size_t k = 0; k < r.entries.size(); ++k) {
        const std::string& name = r.entries[k].first;
        if (name == "name" || name == "think_time") continue;
        req.spec.set(name, r.entries[k].second, r.key_loc(k));
      }
      if (const Value* name = Get(r, "name")) {
        if (NonEmptyText(*name, JoinKey(ikey, "name"), &req.name)) {
          auto [it, inserted] = names.emplace(req.name, name->loc);
          if (!inserted) {
            Fail(name->loc, JoinKey(ikey, "name"),
                 "duplicate request name \"" + req.name + "\" in this scenario (also used at line " +
                     std::to_string(it->second.line) + ")");
          }
        }
      } else {
        Missing(r, "name", "a request name, unique in its scenario", ikey);
      }
      if (const Value* t = Get(r, "think_time")) {
        ThinkTime tt;
        if (ThinkTimeValue(*t, JoinKey(ikey, "think_time"), &tt)) req.think_time = tt;
      }
      s->requests.push_back(std::move(req));
    }
  }

  void Reporters(const Value& v) {
    if (!IsList(v, "reporters", "a list of reporter plugin blocks ([{plugin: json, path: report.json}])")) {
      return;
    }
    for (size_t i = 0; i < v.items.size(); ++i) {
      PluginRef ref;
      PluginBlock(v.items[i], Index("reporters", i), &ref);
      plan_->reporters.push_back(std::move(ref));
    }
  }

  void Services(const Value& v) {
    if (!IsList(v, "services", "a list of services")) return;
    std::map<std::string, Location> seen;
    for (size_t i = 0; i < v.items.size(); ++i) {
      const Value& sv = v.items[i];
      const std::string key = Index("services", i);
      Service s;
      s.loc = sv.loc;
      s.workdir = plan_->dir;
      if (!IsMap(sv, key, "a service (a map with name: and command:)")) continue;
      Track(CheckKeys(sv, key,
                      {"name", "command", "env", "workdir", "health", "start_timeout", "stop_timeout"},
                      "a service", errors_));
      UniqueName(sv, key, "service", &seen, &s.name);
      Command(sv, key, &s);
      if (const Value* env = Get(sv, "env")) {
        const std::string ekey = JoinKey(key, "env");
        if (IsMap(*env, ekey, "a map of environment variables to values")) {
          for (const auto& [name, value] : env->entries) {
            if (value.is_null()) {
              s.env[name] = "";
            } else {
              Text(value, JoinKey(ekey, name), &s.env[name]);
            }
          }
        }
      }
      if (const Value* w = Get(sv, "workdir")) {
        std::string dir;
        if (NonEmptyText(*w, JoinKey(key, "workdir"), &dir)) s.workdir = Absolute(plan_->dir, dir);
      }
      if (const Value* h = Get(sv, "health")) {
        if (Text(*h, JoinKey(key, "health"), &s.health_url) &&
            s.health_url.rfind("http://", 0) != 0) {
          Fail(h->loc, JoinKey(key, "health"),
               "expected an http:// URL polled until it answers 2xx, e.g. "
               "http://127.0.0.1:8089/health");
        }
      }
      if (const Value* t = Get(sv, "start_timeout")) {
        Dur(*t, JoinKey(key, "start_timeout"), &s.start_timeout, /*positive=*/true);
      }
      if (const Value* t = Get(sv, "stop_timeout")) {
        Dur(*t, JoinKey(key, "stop_timeout"), &s.stop_timeout, /*positive=*/false);
      }
      plan_->services.push_back(std::move(s));
    }
  }

  void Command(const Value& sv, const std::string& key, Service* s) {
    const std::string ckey = JoinKey(key, "command");
    const Value* c = Get(sv, "command");
    if (!c) {
      Missing(sv, "command", "the command to run, as a list ([prog, arg]) or a string", key);
      return;
    }
    if (c->is_scalar()) {
      // A string is split on whitespace, without shell quoting; use a list for arguments
      // that contain spaces.
      std::string word;
      for (char ch : c->scalar) {
        if (ch == ' ' || ch == '\t' || ch == '\n') {
          if (!word.empty()) s->command.push_back(std::move(word));
          word.clear();
        } else {
          word.push_back(ch);
        }
      }
      if (!word.empty()) s->command.push_back(std::move(word));
    } else if (c->is_sequence()) {
      for (size_t i = 0; i < c->items.size(); ++i) {
        std::string arg;
        if (Text(c->items[i], Index(ckey, i), &arg)) s->command.push_back(std::move(arg));
      }
    } else {
      Fail(c->loc, ckey, "expected a list ([prog, arg, ...]) or a string, got " + Describe(*c));
      return;
    }
    if (s->command.empty()) Fail(c->loc, ckey, "must name a program to run");
  }

  Plan* plan_;
  std::set<std::string> zero_weight_;  // scenarios left out for their weight 0
};

}  // namespace

const std::vector<std::string>& PlanKeys() {
  static const std::vector<std::string> keys = {
      "name",    "description", "plugins",  "target",  "scenarios", "profiles",
      "profile", "reporters",   "services", "grace",   "workers",   "environments",
      "chaos",   "thresholds",  "secrets",  "proxies", "observers", "compare"};
  return keys;
}

bool BuildPlan(const Value& root, Plan* plan, Location* profile_loc, Diagnostics* errors) {
  Schema schema(plan, errors);
  schema.Root(root, profile_loc);
  return schema.ok();
}

}  // namespace sp::plan
