// The process fault as the C ABI sees it: the static descriptor and its vtable. Every function
// behind them catches every exception. The library exposes this so that unit tests drive the
// plugin exactly as the host does; entry.cc exports it from the plugin library.
#pragma once

#include "stressplan/fault.h"

namespace sp::fault_process {

const sp_plugin_descriptor* plugin_descriptor();

}  // namespace sp::fault_process
