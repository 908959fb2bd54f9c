// The reporters' own option rules; reading an option by name is plugins/common/options.h.
#pragma once

#include <stressplan/plugin.h>

#include <string>

namespace sp::reporters {

// The string option `name` that names something after the plan by default: "" when it is not
// set; set but empty is refused with InvalidOption (sp_error.h) saying to leave it out.
std::string PlanNameOption(const sp_options* options, const char* name);

}  // namespace sp::reporters
