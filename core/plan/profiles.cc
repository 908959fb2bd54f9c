#include "core/plan/profiles.h"

#include <algorithm>

namespace sp::plan {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

Stage MakeStage(Duration duration, int users, std::optional<double> spawn_rate, const Location& loc) {
  Stage s;
  s.duration = duration;
  s.users = users;
  s.spawn_rate = spawn_rate;
  s.loc = loc;
  return s;
}

Profile MakeProfile(const std::string& name, const std::string& description,
                    std::initializer_list<Stage> stages) {
  Profile p;
  p.name = name;
  p.description = description;
  p.loc = Location{"built-in profile " + name, 0, 0};
  for (Stage s : stages) {
    s.loc = p.loc;
    p.stages.push_back(s);
  }
  return p;
}

}  // namespace

std::map<std::string, Profile> BuiltinProfiles() {
  const Location none;
  std::map<std::string, Profile> profiles;
  profiles["ramp_up"] = MakeProfile(
      "ramp_up", "adds 1 user per second up to 50, then holds 50 users for 60s",
      {MakeStage(seconds(60), 50, 1.0, none), MakeStage(seconds(60), 50, std::nullopt, none)});
  profiles["sustained"] =
      MakeProfile("sustained", "20 users for 60s", {MakeStage(seconds(60), 20, std::nullopt, none)});
  profiles["spike"] = MakeProfile(
      "spike", "10 users for 30s, a burst to 200 users for 10s, back to 10 users for 30s",
      {MakeStage(seconds(30), 10, std::nullopt, none), MakeStage(seconds(10), 200, 100.0, none),
       MakeStage(seconds(30), 10, std::nullopt, none)});
  profiles["soak"] =
      MakeProfile("soak", "20 users for 30 minutes", {MakeStage(minutes(30), 20, std::nullopt, none)});
  return profiles;
}

std::vector<Workload> WorkloadsOf(const Profile& profile) {
  if (!profile.workloads.empty()) return profile.workloads;
  Workload one;
  one.stages = profile.stages;
  one.loc = profile.loc;
  return {one};
}

Duration TotalDuration(const Profile& profile) {
  Duration end{0};
  for (const Workload& w : WorkloadsOf(profile)) {
    Duration total = w.start;
    for (const Stage& s : w.stages) total += s.duration;
    end = std::max(end, total);
  }
  return end;
}

int MaxSlots(const std::vector<Stage>& stages) {
  int slots = 0;
  for (const Stage& s : stages) slots = std::max(slots, s.open() ? s.max_concurrency : s.users);
  return slots;
}

int MaxUsers(const Profile& profile) {
  int users = 0;
  for (const Stage& s : profile.stages) users = std::max(users, s.users);
  return users;
}

}  // namespace sp::plan
