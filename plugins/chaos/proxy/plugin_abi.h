// The fault proxy as the C ABI sees it: the static descriptor and its vtable. Every function
// behind them catches every exception, so nothing but status codes crosses the boundary.
// The engine library exposes this so that unit tests drive the plugin exactly as the host
// does; entry.cc exports it from the plugin library.
#pragma once

#include "stressplan/fault.h"

namespace sp::proxy {

const sp_plugin_descriptor* PluginDescriptor();

}  // namespace sp::proxy
