// The largest values and sizes a plan may hold, in one place (docs/plan.md, "Limits").
//
// Each bound is far above anything a real load test needs and far below what would overflow
// the arithmetic done with it (int64 nanoseconds, int users, sums of stages) or let a short,
// hostile file take seconds of CPU or gigabytes of memory. A value past a bound is a located
// error (exit 2), never a wrapped-around number.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sp::plan::limits {

// Any one duration, and the sum of a profile's stages: one leap year. 8784 h in int64
// nanoseconds is 3.2e16, so even ~290 such values add up without overflow.
inline constexpr std::chrono::hours kMaxDuration{8784};
inline constexpr const char* kMaxDurationText = "8784h (one leap year)";

// Any rate (requests, iterations, users per second).
inline constexpr double kMaxRatePerSecond = 10'000'000;
inline constexpr const char* kMaxRateText = "10000000/s";

// Any size (bytes): 1 TiB.
inline constexpr int64_t kMaxSizeBytes = int64_t{1} << 40;
inline constexpr const char* kMaxSizeText = "1TiB";

// Users of a stage, --users, a stage's max_concurrency.
inline constexpr int64_t kMaxUsers = 10'000'000;

// The plan file itself: a regular file of at most 16 MiB.
inline constexpr int64_t kMaxPlanFileBytes = int64_t{16} << 20;
inline constexpr const char* kMaxPlanFileText = "16 MiB";

// YAML nesting: lists and maps inside each other at most this deep.
inline constexpr size_t kMaxYamlDepth = 256;

// What aliases (*name) may add to a plan in total, as copies of their anchored nodes: nodes,
// and bytes of keys and scalar text. Stops an "alias bomb" (a few aliases per level, a few
// levels, billions of nodes) long before it costs time or memory.
inline constexpr size_t kMaxAliasNodes = 10'000;
inline constexpr size_t kMaxAliasBytes = size_t{4} << 20;

// ${VAR:-${VAR:-...}}: defaults nested at most this deep.
inline constexpr int kMaxSubstitutionDepth = 32;

// A plan value echoed in an error message is cut to this many bytes (and "..." added).
inline constexpr size_t kMaxEchoedBytes = 80;

}  // namespace sp::plan::limits
