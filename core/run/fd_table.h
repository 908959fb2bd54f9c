// The process's descriptor table, sized before the load starts.
//
// Linux grows a process's descriptor table by doubling it when a new descriptor does not fit,
// and in a process with several threads each growth waits for an RCU grace period
// (expand_fdtable calls synchronize_rcu): 5-15 ms on the benchmark host, for the 256th and
// the 512th descriptor alike. A load thread that opens its connections as users arrive would
// stall that long in socket() at each doubling; at 150 000 arrivals a second one stall fills
// the open model's max_concurrency and the arrivals due meanwhile are dropped (docs/
// benchmarks.md, "The open model against independent users, and its first second"). So the
// run grows the table once, before its clock starts, to what its users will need.
#pragma once

#include <cstddef>

namespace sp::run {

// Descriptors the table holds beyond one per user slot: the run's own files and reports, the
// plugins' libraries, the target's epoll and event descriptors.
inline constexpr size_t kSpareDescriptors = 256;

// Grows the table to hold descriptors up to `slots + kSpareDescriptors`, within the open-files
// limit (soft RLIMIT_NOFILE: a descriptor at or above it could never be opened anyway).
// Best effort: if it cannot, descriptors grow the table as they come, as they would have.
// Returns the descriptor count the table was asked to hold (0 when it was not asked).
size_t GrowDescriptorTable(size_t slots);

// The number of descriptors the table holds now (FDSize in /proc/self/status; 0 if unknown).
size_t DescriptorTableSize();

}  // namespace sp::run
