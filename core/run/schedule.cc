#include "core/run/schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sp::run {

int UsersWithin(const plan::Stage& s, int from, uint64_t elapsed_ns) {
  if (s.open()) return 0;
  if (!s.spawn_rate) return s.users;
  double steps = std::floor(*s.spawn_rate * static_cast<double>(elapsed_ns) / 1e9);
  int distance = std::abs(s.users - from);
  int moved = static_cast<int>(std::min<double>(distance, steps));
  return from + (s.users >= from ? moved : -moved);
}

double ArrivalSeconds(const plan::Stage& s, uint64_t n) {
  const double r0 = s.rate.value_or(0.0);
  const double r1 = s.ramp_to.value_or(r0);
  const double d = static_cast<double>(s.duration.count()) / 1e9;
  const double a = (r1 - r0) / (2.0 * d);
  const double j = static_cast<double>(n);
  const double disc = r0 * r0 + 4.0 * a * j;
  if (disc < 0) return -1.0;
  // t = 2j / (r0 + sqrt(r0^2 + 4aj)): the stable root of a*t^2 + r0*t - j = 0, valid when a
  // is 0 (constant rate) too.
  const double denom = r0 + std::sqrt(disc);
  if (denom <= 0) return j == 0 ? 0.0 : -1.0;
  return 2.0 * j / denom;
}

double PlannedArrivals(const plan::Stage& s) {
  const double r0 = s.rate.value_or(0.0);
  const double r1 = s.ramp_to.value_or(r0);
  return (r0 + r1) / 2.0 * static_cast<double>(s.duration.count()) / 1e9;
}

StageClock::StageClock(std::vector<plan::Stage> stages, Segment segment)
    : stages_(std::move(stages)), segment_(segment),
      starts_(new std::atomic<uint64_t>[stages_.size() + 1]),
      from_(new std::atomic<int>[stages_.size() + 1]),
      started_(new std::atomic<uint64_t>[stages_.size() + 1]),
      completed_(new std::atomic<uint64_t>[stages_.size() + 1]) {
  for (size_t i = 0; i <= stages_.size(); ++i) {
    starts_[i] = 0;
    from_[i] = 0;
    started_[i] = 0;
    completed_[i] = 0;
  }
  for (const auto& s : stages_) {
    planned_total_ns_ += static_cast<uint64_t>(s.duration.count());
    max_slots_ = std::max(max_slots_, s.open() ? s.max_concurrency : s.users);
    iteration_limits_.push_back(s.iterations > 0 && !s.open()
                                    ? IterationShare(s.iterations, s.users, segment_)
                                    : kNoIterationLimit);
  }
  max_slots_ = ShareOf(max_slots_, segment_);
}

int StageClock::UsersAt(size_t k, uint64_t elapsed_ns) const {
  return ShareOf(UsersWithin(stages_[k], from_users(k), elapsed_ns), segment_);
}

double StageClock::ArrivalDue(size_t k, uint64_t local) const {
  return SegmentArrivalSeconds(stages_[k], local, segment_);
}

int StageClock::MaxConcurrency(size_t k) const {
  return ShareOf(stages_[k].max_concurrency, segment_);
}

uint64_t StageClock::PlannedStarts(size_t k) const {
  return ShareOf(static_cast<uint64_t>(std::llround(PlannedArrivals(stages_[k]))), segment_);
}

double StageClock::PlannedRate(size_t k) const {
  const plan::Stage& s = stages_[k];
  return PlannedArrivals(s) / segment_.count / (static_cast<double>(s.duration.count()) / 1e9);
}

uint64_t StageClock::end_ns(size_t i) const {
  return start_ns(i) + static_cast<uint64_t>(stages_[i].duration.count());
}

void StageClock::Start(uint64_t t0) {
  starts_[0] = t0;
  from_[0] = 0;
  current_.store(0, std::memory_order_release);
}

bool StageClock::Advance(uint64_t now) {
  size_t k = current();
  while (k < stages_.size()) {
    const plan::Stage& s = stages_[k];
    uint64_t end = end_ns(k);
    uint64_t next_start;
    if (now >= end) {
      next_start = end;  // exact, so the next stage's schedule does not drift
    } else if (iteration_limits_[k] != kNoIterationLimit &&
               completed_[k].load() >= iteration_limits_[k]) {
      next_start = now;
    } else {
      break;
    }
    uint64_t elapsed = next_start - start_ns(k);
    from_[k + 1] = UsersWithin(s, from_users(k), elapsed);
    starts_[k + 1] = next_start;
    ++k;
    current_.store(k, std::memory_order_release);
  }
  return k >= stages_.size();
}

Timeline::Timeline(const std::vector<plan::Workload>& workloads, Segment segment) {
  for (const plan::Workload& w : workloads) {
    clocks_.push_back(std::make_unique<StageClock>(w.stages, segment));
    offsets_.push_back(static_cast<uint64_t>(w.start.count()));
    stage_count_ += w.stages.size();
    planned_total_ns_ =
        std::max(planned_total_ns_, offsets_.back() + clocks_.back()->planned_total_ns());
    total_slots_ += clocks_.back()->MaxSlots();
  }
}

void Timeline::Start(uint64_t t0) {
  t0_ = t0;
  for (size_t w = 0; w < clocks_.size(); ++w) clocks_[w]->Start(t0 + offsets_[w]);
}

bool Timeline::Advance(uint64_t now) {
  bool over = true;
  for (auto& clock : clocks_) over = clock->Advance(now) && over;
  return over;
}

}  // namespace sp::run
