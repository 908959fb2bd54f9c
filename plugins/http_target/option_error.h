// What a refused option looks like inside the engine; the ABI edge copies it into sp_error.
// The one struct every plugin in this tree shares (plugins/common/option_error.h); here its
// option is "base_url", "headers", ... or "requests/<index>" for a request step, its path a
// JSON pointer inside that option ("/method", "/headers/X-Foo").
#pragma once

#include "plugins/common/option_error.h"

namespace sp::http {

using plugin_common::OptionError;

}  // namespace sp::http
