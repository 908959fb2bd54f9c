#include "plugins/common/options.h"

#include <cstring>

namespace sp::plugin_common {

const sp_option_value* OptionValue(const sp_options* options, size_t k) {
  if (options == nullptr || options->values == nullptr || k >= options->count) return nullptr;
  const sp_option_value* v = &options->values[k];
  return v->is_set ? v : nullptr;
}

const sp_option_value* FindOption(const sp_options* options, const char* name) {
  if (options == nullptr || options->values == nullptr) return nullptr;
  for (size_t k = 0; k < options->count; ++k) {
    const sp_option_value& v = options->values[k];
    if (v.name != nullptr && std::strcmp(v.name, name) == 0) return v.is_set ? &v : nullptr;
  }
  return nullptr;
}

std::string_view OptionText(const sp_option_value* value) {
  if (value == nullptr || value->s.ptr == nullptr) return {};
  return {value->s.ptr, value->s.len};
}

std::optional<std::string_view> OptionString(const sp_options* options, size_t k) {
  const sp_option_value* v = OptionValue(options, k);
  if (v == nullptr || v->s.ptr == nullptr) return std::nullopt;
  return OptionText(v);
}

}  // namespace sp::plugin_common
