// The built-in load profiles every plan can select without defining them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/plan/plan.h"

namespace sp::plan {

// ramp_up, sustained, spike and soak (see docs/plan.md for their stages).
std::map<std::string, Profile> BuiltinProfiles();

// The profile selected when a plan has no `profile:` and no --profile is given.
inline constexpr const char* kDefaultProfile = "sustained";

// The workloads a profile runs: its `workloads:`, or its `stages:` as one workload without a
// name, starting with the run, running every scenario with its own weight.
std::vector<Workload> WorkloadsOf(const Profile& profile);

// When the last stage of the last workload ends (a `stages:` profile: the sum of its stages),
// and the largest user count of a `stages:` profile.
Duration TotalDuration(const Profile& profile);
int MaxUsers(const Profile& profile);

// The virtual-user slots a workload needs at most: its largest closed `users` or open
// `max_concurrency`.
int MaxSlots(const std::vector<Stage>& stages);

}  // namespace sp::plan
