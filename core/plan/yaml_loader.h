// Reads YAML text into a located Value tree (value.h). The only place that sees yaml-cpp.
//
// On top of yaml-cpp it adds what plans need: 1-based line:column on every node and key,
// duplicate keys refused (yaml-cpp silently keeps the first), merge keys (`<<`) refused,
// one document per file, and syntax errors turned into located diagnostics. Aliases are
// expanded into copies of their anchored node. Hostile input is bounded (limits.h): nesting
// deeper than kMaxYamlDepth, and anchors/aliases copying more than kMaxAliasNodes nodes or
// kMaxAliasBytes bytes, stop the parse at once with a located error. Nothing here throws.
#pragma once

#include <string>

#include "core/plan/diagnostic.h"
#include "core/plan/value.h"

namespace sp::plan {

// Parses `text`; `file_name` is what locations show. An empty document gives a Null value.
// On failure *out is left Null and the reasons are appended to *errors.
bool LoadYamlString(const std::string& text, const std::string& file_name, Value* out,
                    Diagnostics* errors);

// Reads the file at `path` (shown as given; refused unless a regular file within
// limits::kMaxPlanFileBytes, see plan_file.h) and parses it.
bool LoadYamlFile(const std::string& path, Value* out, Diagnostics* errors);

}  // namespace sp::plan
