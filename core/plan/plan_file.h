// Reading the plan file: only a regular file of a bounded size (limits::kMaxPlanFileBytes).
//
// `stressplan run /dev/zero` would read forever, a FIFO would block until someone writes,
// a folder gives a confusing "Is a directory" half-way through a read; each is refused at
// once, before a byte is read, with a message that says what the path is.
#pragma once

#include <string>

#include "core/plan/diagnostic.h"

namespace sp::plan {

// Reads the whole file at `path` into *text. Errors are located at `path` (as given).
bool ReadPlanFile(const std::string& path, std::string* text, Diagnostics* errors);

}  // namespace sp::plan
