// Reading the options the host resolved for a reporter (plugin.h: sp_options), by name.
#pragma once

#include <stressplan/plugin.h>

#include <string>

namespace sp::reporters {

// The value of option `name`, or nullptr if the host did not set it.
const sp_option_value* FindOption(const sp_options* options, const char* name);

// The string of a string or path option; "" for nullptr.
std::string OptionText(const sp_option_value* value);

// The string option `name` that names something after the plan by default: "" when it is not
// set; set but empty is refused with InvalidOption (sp_error.h) saying to leave it out.
std::string PlanNameOption(const sp_options* options, const char* name);

}  // namespace sp::reporters
