// Execution segments: slice I of N of a plan's load, so that N generators (the pods of a
// Kubernetes Indexed Job, docs/distributed.md) together run exactly what one would.
//
// One rule partitions everything: number the things of a kind globally from 0 — the users of a
// closed stage at a moment, the arrivals of an open stage, a stage's iterations, the rows of a
// unique data file, vu and seq values — and segment I takes those whose number n has
// n % N == I. Segment I's local thing l is global thing l*N + I. So
//   - shares differ by at most one and add up exactly: 10 users over 4 segments are 3+3+2+2
//     (ShareOf), with nothing lost to rounding;
//   - a ramp is sliced at every instant, not per stage: when the plan's line reaches u users,
//     the segments' shares of u add up to u (a spawn rate moves each segment's users only when
//     the global count passes one of its numbers);
//   - an open stage's arrival times are the single-machine schedule's, dealt round-robin: the
//     union of the segments' start times is that schedule (SegmentArrivalSeconds);
//   - local numbers map to disjoint global ones (GlobalNumber), so template values that must be
//     unique stay unique across the segments.
// This is k6's execution-segment idea for equal segments, with a simpler exact arithmetic.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/plan/plan.h"

namespace sp::run {

struct Segment {
  uint32_t index = 0;  // I, from 0
  uint32_t count = 1;  // N; 1 is the whole plan
  bool whole() const { return count == 1; }
};

// Parses "I/N" (0 <= I < N, 1 <= N <= 100000). False with *err saying what is wrong.
bool ParseSegment(std::string_view text, Segment* out, std::string* err);

// The segment from the environment, when `flag` (the --segment value) is empty:
// STRESSPLAN_SEGMENT=I/N, or, in a Kubernetes Indexed Job, I from JOB_COMPLETION_INDEX and N
// from STRESSPLAN_SEGMENTS. `getenv` returns nullptr for an unset variable. No setting at all
// is the whole plan. False with *err naming the variable (or the flag) that is wrong.
bool SegmentFromSettings(std::string_view flag,
                         const std::function<const char*(const char*)>& getenv, Segment* out,
                         std::string* err);

// How many of `total` things numbered 0..total-1 segment s takes.
uint64_t ShareOf(uint64_t total, Segment s);
int ShareOf(int total, Segment s);

// Segment s's part of a closed stage's `iterations` (shared by its users, the stage ends when
// they are done): dealt like ShareOf, but only over the segments that have users at the stage's
// `users` (the first min(N, users)), so that no segment waits for iterations it has no user to
// run. The parts add up to `iterations` whenever the stage has a user.
uint64_t IterationShare(uint64_t iterations, int users, Segment s);

// The global number of segment s's local thing `local`.
uint64_t GlobalNumber(uint64_t local, Segment s);

// Seconds after an open stage's start at which segment s's local arrival `local` is due (the
// plan's arrival GlobalNumber(local, s)); negative as ArrivalSeconds.
double SegmentArrivalSeconds(const plan::Stage& stage, uint64_t local, Segment s);

}  // namespace sp::run
