#include "common/options.h"

#include <cstring>

#include "common/sp_error.h"

namespace sp::reporters {

const sp_option_value* FindOption(const sp_options* options, const char* name) {
  if (options == nullptr) return nullptr;
  for (size_t k = 0; k < options->count; ++k) {
    const sp_option_value& v = options->values[k];
    if (v.name != nullptr && std::strcmp(v.name, name) == 0) return v.is_set ? &v : nullptr;
  }
  return nullptr;
}

std::string OptionText(const sp_option_value* value) {
  return value && value->s.ptr ? std::string(value->s.ptr, value->s.len) : "";
}

std::string PlanNameOption(const sp_options* options, const char* name) {
  const sp_option_value* value = FindOption(options, name);
  if (value && value->s.len == 0) {
    throw InvalidOption(name, std::string(name) + " is empty: leave it out to use the plan's name");
  }
  return OptionText(value);
}

}  // namespace sp::reporters
