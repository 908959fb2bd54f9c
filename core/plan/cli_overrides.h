// The load-shaping command-line flags, applied to a built Plan:
//   --profile NAME     selects the profile (instead of the plan's `profile:`)
//   --users N          \ replace the selected profile's stages by one stage of N users
//   --duration T       / (default: its max users) for T (default: its total duration);
//                        refused for a profile with workloads
//   --spawn-rate R     sets spawn_rate on every closed stage of the selected profile (of
//                      every workload)
// (--host is a tree edit, applied with --set; see plan_loader.cc.)
#pragma once

#include <optional>

#include "core/plan/diagnostic.h"
#include "core/plan/plan.h"
#include "core/plan/plan_loader.h"

namespace sp::plan {

// The values of the flags given as text (--duration, --spawn-rate), parsed once by CheckCliFlags.
struct ParsedCliFlags {
  std::optional<Duration> duration;
  std::optional<double> spawn_rate;
};

// Checks the flags' own syntax and ranges (errors print as "--users: must be >= 1") and
// parses their values into *parsed.
bool CheckCliFlags(const LoadOptions& options, ParsedCliFlags* parsed, Diagnostics* errors);

// Applies the flags to *plan and checks that the selected profile exists (located at
// `profile_loc`, where the plan's `profile:` was written, or at --profile). `parsed` is what
// CheckCliFlags made of the same options; a value it could not parse is not applied.
bool ApplyCliOverrides(const LoadOptions& options, const ParsedCliFlags& parsed, const Location& profile_loc,
                       Plan* plan, Diagnostics* errors);

}  // namespace sp::plan
