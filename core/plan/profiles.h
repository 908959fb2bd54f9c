// The built-in load profiles every plan can select without defining them.
#pragma once

#include <map>
#include <string>

#include "core/plan/plan.h"

namespace sp::plan {

// ramp_up, sustained, spike and soak (see docs/plan.md for their stages).
std::map<std::string, Profile> BuiltinProfiles();

// The profile selected when a plan has no `profile:` and no --profile is given.
inline constexpr const char* kDefaultProfile = "sustained";

// Sum of the stage durations and the largest user count of a profile.
Duration TotalDuration(const Profile& profile);
int MaxUsers(const Profile& profile);

}  // namespace sp::plan
