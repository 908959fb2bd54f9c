// The timeline of a profile. Stage arithmetic is pure (users at a moment of a closed stage,
// the start time of the n-th arrival of an open stage); *when* each stage starts is decided by
// the orchestrator alone and published through StageClock, because a stage with `iterations`
// ends when its iterations are done, not at a time known in advance.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/plan/plan.h"
#include "core/run/segment.h"

namespace sp::run {

// Users a closed stage wants `elapsed_ns` after its start, when it started with `from` users:
// with a spawn rate the count moves toward stage.users by one user every 1/spawn_rate s.
int UsersWithin(const plan::Stage& stage, int from, uint64_t elapsed_ns);

// Seconds after an open stage's start at which its arrival number `n` (from 0) is due, or a
// negative value if the stage's rate function never reaches n arrivals. The rate ramps
// linearly from `rate` to `ramp_to` over the stage, so arrivals by t are
// N(t) = r0*t + (r1-r0)*t^2/(2D), and this inverts N.
double ArrivalSeconds(const plan::Stage& stage, uint64_t n);

// Iterations an open stage plans to start in total.
double PlannedArrivals(const plan::Stage& stage);

// The stages as the orchestrator runs them. Written by the orchestrator thread only; read by
// the load threads (acquire/release on `current`).
//
// The stages stay the plan's; `segment` is the slice of them this generator runs (segment.h),
// and the load threads and the stage reports read their counts through the accessors below,
// which give this segment's part (the whole plan's when the segment is 0/1). The stage starts
// and from_users are the plan's: every segment follows the same line.
class StageClock {
 public:
  explicit StageClock(std::vector<plan::Stage> stages, Segment segment = {});

  const std::vector<plan::Stage>& stages() const { return stages_; }
  size_t count() const { return stages_.size(); }
  Segment segment() const { return segment_; }
  uint64_t planned_total_ns() const { return planned_total_ns_; }
  // The most virtual-user slots any stage needs: closed users or open max_concurrency (this
  // segment's share). Slot n is the plan's slot GlobalNumber(n, segment()).
  int MaxSlots() const { return max_slots_; }

  // This segment's users of closed stage k, `elapsed_ns` after its start: its share of the
  // plan's line at that moment.
  int UsersAt(size_t k, uint64_t elapsed_ns) const;
  // Seconds after open stage k's start at which this segment's arrival `local` is due (the
  // plan's arrival GlobalNumber(local)); negative when the stage never reaches it.
  double ArrivalDue(size_t k, uint64_t local) const;
  // Open stage k: this segment's share of max_concurrency.
  int MaxConcurrency(size_t k) const;
  // Closed stage k ends once this many iterations finished here; kNoIterationLimit without
  // `iterations`.
  static constexpr uint64_t kNoIterationLimit = UINT64_MAX;
  uint64_t IterationLimit(size_t k) const { return iteration_limits_[k]; }
  // Open stage k: the iterations this segment plans to start, in total and per second.
  uint64_t PlannedStarts(size_t k) const;
  double PlannedRate(size_t k) const;

  // The stage now running, count() once the profile is over.
  size_t current() const { return current_.load(std::memory_order_acquire); }
  uint64_t start_ns(size_t i) const { return starts_[i].load(std::memory_order_relaxed); }
  int from_users(size_t i) const { return from_[i].load(std::memory_order_relaxed); }
  uint64_t end_ns(size_t i) const;  // start + duration: the latest the stage may end

  // Per-stage iteration counters for stages with `iterations` (shared by the load threads).
  std::atomic<uint64_t>& started(size_t i) { return started_[i]; }
  std::atomic<uint64_t>& completed(size_t i) { return completed_[i]; }

  // Orchestrator: starts stage 0 at t0.
  void Start(uint64_t t0_ns);
  // Orchestrator: moves on if the current stage is over at `now` (time up, or its iterations
  // done). Returns true when the whole profile is over.
  bool Advance(uint64_t now_ns);

 private:
  std::vector<plan::Stage> stages_;
  Segment segment_;
  std::vector<uint64_t> iteration_limits_;
  std::unique_ptr<std::atomic<uint64_t>[]> starts_;
  std::unique_ptr<std::atomic<int>[]> from_;
  std::unique_ptr<std::atomic<uint64_t>[]> started_;
  std::unique_ptr<std::atomic<uint64_t>[]> completed_;
  std::atomic<size_t> current_{0};
  uint64_t planned_total_ns_ = 0;
  int max_slots_ = 0;
};

// The profile's workloads on the run's clock: one StageClock each, its stage 0 starting at
// the run's start plus the workload's `start`. The workloads move on independently; the run is
// over when the last one is. Written by the orchestrator thread only, like StageClock. Every
// workload runs the same `segment` of its stages.
class Timeline {
 public:
  explicit Timeline(const std::vector<plan::Workload>& workloads, Segment segment = {});

  size_t size() const { return clocks_.size(); }
  StageClock& clock(size_t w) { return *clocks_[w]; }
  const StageClock& clock(size_t w) const { return *clocks_[w]; }
  uint64_t offset_ns(size_t w) const { return offsets_[w]; }
  uint64_t t0_ns() const { return t0_; }
  size_t stage_count() const { return stage_count_; }              // every workload's stages
  uint64_t planned_total_ns() const { return planned_total_ns_; }  // when the last one ends
  int total_slots() const { return total_slots_; }  // user slots of all workloads together

  // Orchestrator: the run starts at t0; each workload at t0 + its offset.
  void Start(uint64_t t0_ns);
  // Orchestrator: moves each workload on (StageClock::Advance). True when all are over.
  bool Advance(uint64_t now_ns);

 private:
  std::vector<std::unique_ptr<StageClock>> clocks_;
  std::vector<uint64_t> offsets_;
  uint64_t t0_ = 0;
  size_t stage_count_ = 0;
  uint64_t planned_total_ns_ = 0;
  int total_slots_ = 0;
};

}  // namespace sp::run
