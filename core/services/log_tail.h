// The end of a service's log, quoted in error messages so the user sees why it failed
// without opening the file.
#pragma once

#include <string>

namespace sp::services {

// The last `max_lines` lines of a text file (only its last 64 KiB are read), each indented
// by two spaces and ended by '\n'; "" when the file is empty; a one-line note when it cannot
// be read. Lines longer than 400 bytes are cut.
std::string LogTail(const std::string& path, int max_lines);

}  // namespace sp::services
