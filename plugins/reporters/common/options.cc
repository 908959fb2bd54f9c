#include "plugins/reporters/common/options.h"

#include "plugins/common/options.h"

namespace sp::reporters {

bool PlanNameOption(const sp_options* options, const char* name, std::string* out,
                    plugin_common::OptionError* err) {
  const sp_option_value* value = plugin_common::FindOption(options, name);
  if (value && value->s.len == 0) {
    *err = {std::string(name) + " is empty: leave it out to use the plan's name", name, ""};
    return false;
  }
  *out = std::string(plugin_common::OptionText(value));
  return true;
}

}  // namespace sp::reporters
