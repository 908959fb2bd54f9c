// The report file: checked when the reporter is created, so a bad `path` stops the run before
// it starts, and written at the end through a temporary file and a rename, so a reader never
// sees half a report.
#pragma once

#include <stressplan/plugin.h>

#include <string>

#include "plugins/common/option_error.h"

namespace sp::reporters {

// "" if `path` can name the report file, else a sentence saying why not and what to do: it
// must not be empty, end in '/', be a folder, or lie under something that is not a folder.
// Folders that do not exist yet are fine (WriteReportFile creates them). `example` is a file
// name the message suggests ("report.html").
std::string CheckReportPath(const std::string& path, const std::string& example);

// *out = the `path` option, or `default_name` when it is not set, checked with CheckReportPath
// (`default_name` is also the example it suggests); refused with false and *err.
bool ReportPathOption(const sp_options* options, const char* default_name, std::string* out,
                      plugin_common::OptionError* err);

// Writes `content` to `path` + ".tmp" and renames it to `path`, creating missing folders.
// False with *why saying what failed; on failure the temporary file is removed.
bool WriteReportFile(const std::string& path, const std::string& content, std::string* why);

}  // namespace sp::reporters
