// The reporters' own option rules; reading an option by name is plugins/common/options.h.
#pragma once

#include <stressplan/plugin.h>

#include <string>

#include "plugins/common/option_error.h"

namespace sp::reporters {

// The string option `name` that names something after the plan by default: *out is "" when it
// is not set. Set but empty is refused (false, *err saying to leave it out).
bool PlanNameOption(const sp_options* options, const char* name, std::string* out,
                    plugin_common::OptionError* err);

}  // namespace sp::reporters
