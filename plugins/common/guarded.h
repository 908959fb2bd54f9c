// The catch-everything wrappers of a plugin's exported edge (plugin.h: ERRORS): nothing but a
// status code, a count or a flag crosses the boundary, whatever the plugin's C++ throws.
#pragma once

#include <cstddef>
#include <exception>

#include "plugins/common/sp_error.h"
#include "stressplan/plugin.h"

namespace sp::plugin_common {

// Runs fn (returning sp_status); an exception becomes SP_ERROR with
// "<who>: internal error: <what>" in *err.
template <class Fn>
sp_status Guarded(sp_error* err, const char* who, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    WriteInternalError(err, who, e.what());
  } catch (...) {
    WriteInternalError(err, who, "unknown exception");
  }
  return SP_ERROR;
}

// Runs fn (returning bool) for is_active: 1 or 0. An exception gives 1: unknown, so say active,
// so that the host reports it rather than assumes it gone.
template <class Fn>
int GuardedIsActive(Fn&& fn) noexcept {
  try {
    return fn() ? 1 : 0;
  } catch (...) {
    return 1;
  }
}

// Runs fn (returning the record's length) for journal_record. An exception leaves "" in buf
// and returns 0: no record.
template <class Fn>
size_t GuardedJournalRecord(char* buf, size_t cap, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (...) {
    if (cap > 0) buf[0] = '\0';
    return 0;
  }
}

}  // namespace sp::plugin_common
