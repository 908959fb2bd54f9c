// Reading the option values the host resolved for a plugin (plugin.h: sp_options): by index in
// the plugin's declaration order, or by name.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "stressplan/plugin.h"

namespace sp::plugin_common {

// values[k] of `options` if it is set, else nullptr. Tolerates a host that handed fewer values
// than declared.
const sp_option_value* OptionValue(const sp_options* options, size_t k);

// The value named `name` if it is set, else nullptr.
const sp_option_value* FindOption(const sp_options* options, const char* name);

// The text of a string, path or JSON value; "" for nullptr or a value without text.
std::string_view OptionText(const sp_option_value* value);

// The text of option k; nullopt when it is unset or the host gave no text.
std::optional<std::string_view> OptionString(const sp_options* options, size_t k);

}  // namespace sp::plugin_common
