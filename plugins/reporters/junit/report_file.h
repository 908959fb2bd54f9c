// The report file: checked when the reporter is created, so a bad `path` stops the run before
// it starts, and written at the end through a temporary file and a rename, so a reader never
// sees half a report.
#pragma once

#include <string>

namespace sp::junit {

// "" if `path` can name the report file, else a sentence saying why not and what to do: it
// must not be empty, end in '/', be a folder, or lie under something that is not a folder.
// Folders that do not exist yet are fine (WriteReportFile creates them). `example` is a file
// name the message suggests ("junit.xml").
std::string CheckReportPath(const std::string& path, const std::string& example);

// Writes `content` to `path` + ".tmp" and renames it to `path`, creating missing folders.
// Returns "" or what failed; on failure the temporary file is removed.
std::string WriteReportFile(const std::string& path, const std::string& content);

}  // namespace sp::junit
