// --start-at: the wall-clock instant at which several generators (the segments of one plan,
// docs/distributed.md) begin their load together. Wall-clock time, not the host's monotonic
// clock: the generators run on different machines and share only UTC (kept by NTP).
#pragma once

#include <string>
#include <string_view>

namespace sp::run {

// How long ago an instant given to --start-at may be: more is a stale setting (the generators
// would not start together) and is refused before anything runs.
constexpr double kStartAtMaxPastS = 5.0;

// Parses an RFC 3339 date-time with its offset ("2026-01-02T03:04:05Z",
// "2026-01-02T04:04:05.25+01:00"; `t` and `z` in lower case too) or epoch seconds, possibly
// fractional ("1767323045", "1767323045.25"), into seconds since the epoch. False with *err
// saying what is wrong.
bool ParseStartAt(std::string_view text, double* unix_s, std::string* err);

// ParseStartAt, refusing an instant more than kStartAtMaxPastS before `now_unix_s`.
bool StartAtFromFlag(std::string_view text, double now_unix_s, double* unix_s, std::string* err);

// The wall clock: seconds since the epoch.
double WallClockNow();

}  // namespace sp::run
