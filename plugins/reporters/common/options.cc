#include "common/options.h"

#include "common/sp_error.h"
#include "plugins/common/options.h"

namespace sp::reporters {

std::string PlanNameOption(const sp_options* options, const char* name) {
  const sp_option_value* value = plugin_common::find_option(options, name);
  if (value && value->s.len == 0) {
    throw InvalidOption(name, std::string(name) + " is empty: leave it out to use the plan's name");
  }
  return std::string(plugin_common::option_text(value));
}

}  // namespace sp::reporters
