// Filling the host's sp_error (plugin.h) from inside a plugin: every field truncated to fit
// its array and always NUL-terminated.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string_view>

#include "plugins/common/option_error.h"
#include "stressplan/plugin.h"

namespace sp::plugin_common {

// Copies text into dst, truncated to N - 1 bytes (and at an embedded NUL).
template <size_t N>
void CopyText(char (&dst)[N], std::string_view text) {
  std::snprintf(dst, N, "%.*s", static_cast<int>(text.size()), text.data());
}

// Writes message, option and path into *err (an empty one clears its field); nothing when err
// is null.
void WriteError(sp_error* err, std::string_view message, std::string_view option = {},
                std::string_view path = {});
void WriteError(sp_error* err, const OptionError& refused);

// "<who>: internal error: <what>" with option and path cleared: what the edge reports for an
// exception. Allocates nothing, so it is safe inside a catch block of a noexcept function.
void WriteInternalError(sp_error* err, const char* who, const char* what) noexcept;

}  // namespace sp::plugin_common
