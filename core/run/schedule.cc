#include "core/run/schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sp::run {
namespace {

int UsersWithin(const plan::Stage& s, int from, uint64_t elapsed_ns) {
  if (!s.spawn_rate) return s.users;
  double steps = std::floor(*s.spawn_rate * static_cast<double>(elapsed_ns) / 1e9);
  int distance = std::abs(s.users - from);
  int moved = static_cast<int>(std::min<double>(distance, steps));
  return from + (s.users >= from ? moved : -moved);
}

}  // namespace

Schedule::Schedule(const std::vector<plan::Stage>& stages) : stages_(stages) {
  int users = 0;
  for (const auto& s : stages_) {
    starts_.push_back(total_ns_);
    from_users_.push_back(users);
    uint64_t d = static_cast<uint64_t>(s.duration.count());
    max_users_ = std::max({max_users_, users, s.users});
    users = UsersWithin(s, users, d);
    total_ns_ += d;
  }
}

size_t Schedule::StageAt(uint64_t t) const {
  if (stages_.empty()) return 0;
  auto it = std::upper_bound(starts_.begin(), starts_.end(), t);
  return static_cast<size_t>(std::distance(starts_.begin(), it)) - 1;
}

int Schedule::UsersAt(uint64_t t) const {
  if (stages_.empty()) return 0;
  if (t >= total_ns_) {
    size_t last = stages_.size() - 1;
    return UsersWithin(stages_[last], from_users_[last], total_ns_ - starts_[last]);
  }
  size_t i = StageAt(t);
  return UsersWithin(stages_[i], from_users_[i], t - starts_[i]);
}

}  // namespace sp::run
