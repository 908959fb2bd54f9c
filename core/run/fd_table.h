// The process's descriptor table, sized before the load starts.
//
// Linux grows a process's descriptor table by doubling it when a new descriptor does not fit,
// and in a process with several threads each growth waits for an RCU grace period
// (expand_fdtable calls synchronize_rcu): 5-15 ms on the benchmark host, for the 256th and
// the 512th descriptor alike, and every other thread that opens a descriptor meanwhile waits
// for it. A load thread that opens its connections as users arrive would stall that long in
// socket() at each doubling; at 150 000 arrivals a second one stall fills
// the open model's max_concurrency and the arrivals due meanwhile are dropped (docs/
// benchmarks.md, "The open model against independent users, and its first second"). So the
// run grows the table once, before its clock starts, to what its users will need.
#pragma once

#include <cstddef>

namespace sp::run {

// Descriptors the table holds beyond those of the load: the run's own files and reports, the
// plugins' libraries, the target's epoll and event descriptors.
inline constexpr size_t kSpareDescriptors = 256;

// The descriptors a run's load may hold at once: one connection per user slot, and for each
// fault proxy open in this process (`proxies:`, whose threads share the table) two more per
// slot, its accepted and its upstream connection, should the load go through it. A proxy that
// carries a service's traffic instead holds what that service opens, which the plan does not
// say; the guess costs 8 bytes of kernel memory per descriptor not used.
size_t LoadDescriptors(size_t slots, size_t proxy_sites);

// The soft open-files limit (RLIMIT_NOFILE) before and after RaiseOpenFilesLimit.
struct OpenFilesLimit {
  size_t before = 0;
  size_t after = 0;  // == before when it was high enough, or could not be raised
};

// Raises the soft open-files limit to `descriptors + kSpareDescriptors`, within the hard limit,
// when it is lower; never lowers it. Linux login shells often start with a soft limit of 1 024
// under a far higher hard one, which any process may raise its own soft limit to (Go programs
// such as k6 do at start): a plan of 10 000 users then runs without `ulimit -n`. Processes the
// run starts after this (a restarted service, a fault's command) inherit the raised limit.
OpenFilesLimit RaiseOpenFilesLimit(size_t descriptors);

// Grows the table to hold descriptors up to `descriptors + kSpareDescriptors`, within the
// open-files limit (soft RLIMIT_NOFILE: a descriptor at or above it could never be opened).
// Best effort: if it cannot, descriptors grow the table as they come, as they would have.
// Returns the descriptor count the table was asked to hold (0 when it was not asked).
size_t GrowDescriptorTable(size_t descriptors);

// The number of descriptors the table holds now (FDSize in /proc/self/status; 0 if unknown).
size_t DescriptorTableSize();

}  // namespace sp::run
