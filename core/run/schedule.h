// The closed-model timeline: how many virtual users should be active at each moment of a
// profile. Pure arithmetic on the plan's stages, shared by every load thread so they agree
// without talking to each other.
#pragma once

#include <cstdint>
#include <vector>

#include "core/plan/plan.h"

namespace sp::run {

class Schedule {
 public:
  explicit Schedule(const std::vector<plan::Stage>& stages);

  // Total length of the profile in nanoseconds.
  uint64_t total_ns() const { return total_ns_; }
  // The stage index at time t (ns since the run started); the last stage past the end.
  size_t StageAt(uint64_t t_ns) const;
  // Users that should be active at time t. Within a stage with a spawn rate the count moves
  // from where the previous stage left it toward the stage's users by one user every
  // 1/spawn_rate seconds; without one it jumps at the stage's start.
  int UsersAt(uint64_t t_ns) const;
  // The most users any moment of the profile asks for.
  int MaxUsers() const { return max_users_; }
  uint64_t StageStart(size_t i) const { return starts_[i]; }
  size_t stage_count() const { return stages_.size(); }

 private:
  std::vector<plan::Stage> stages_;
  std::vector<uint64_t> starts_;     // start of each stage
  std::vector<int> from_users_;      // users when each stage starts
  uint64_t total_ns_ = 0;
  int max_users_ = 0;
};

}  // namespace sp::run
