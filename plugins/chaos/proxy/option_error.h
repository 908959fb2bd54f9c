// What a refused option looks like inside the engine; the ABI edge copies it into sp_error.
// The one struct every plugin in this tree shares (plugins/common/option_error.h); here its
// option is the plan option at fault ("listen", "toxic", ...).
#pragma once

#include "plugins/common/option_error.h"

namespace sp::proxy {

using plugin_common::OptionError;

}  // namespace sp::proxy
