// The one place plan units are parsed (durations, rates, sizes) and formatted back.
// Every function returns false and explains the expected syntax in *err on bad input.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sp::plan {

// "500ms", "30s", "5m", "1h", "1h30m", "1.5s", "250us", "100ns". Units: ns, us (or µs), ms,
// s, m, h; components may be chained largest first or in any order and are added up. A
// bare number is refused (which unit?), except "0". Negative values, and values past
// limits::kMaxDuration, are refused.
bool ParseDuration(std::string_view text, std::chrono::nanoseconds* out, std::string* err);

// "200/s", "1200/m", "10/h", or a plain number meaning per second ("50", "0.5").
// Result in events per second; negative values and values past limits::kMaxRatePerSecond
// are refused, 0 is accepted.
bool ParseRate(std::string_view text, double* per_second, std::string* err);

// "512", "512B", "4KiB", "2MB", "1.5GiB". KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB
// powers of 1024; a lone K/M/G/T is refused as ambiguous. Fractions round to whole bytes.
// Sizes past limits::kMaxSizeBytes are refused.
bool ParseSize(std::string_view text, int64_t* bytes, std::string* err);

// Shortest plan syntax for a duration: "1m30s", "250ms", "1h", "0s"; parses back to the
// same value.
std::string FormatDuration(std::chrono::nanoseconds d);

// "200/s" style; whole numbers without decimals, otherwise up to 3 decimals ("0.5/s").
std::string FormatRate(double per_second);

}  // namespace sp::plan
