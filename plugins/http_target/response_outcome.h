// What checks, captures and rules decided about one complete response, handed to the
// completion queue: an error kind that replaces the status-based one, the first failed check,
// and the events that fired.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "stressplan/target.h"

namespace sp::http {

// Distinct events one response can fire; create refuses steps whose rules name more.
constexpr size_t kMaxResultEvents = 32;

struct ResponseOutcome {
  sp_error_kind error = SP_E_NONE;
  uint32_t failed_check = 0;  // interned check name when error == SP_E_CHECK_FAILED
  uint32_t events[kMaxResultEvents] = {};
  size_t event_count = 0;
  std::string detail;  // why, when error is not SP_E_NONE; else empty
};

}  // namespace sp::http
