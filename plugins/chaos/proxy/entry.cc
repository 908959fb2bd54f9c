// The plugin library's one exported symbol (see include/stressplan/plugin.h).
#include "plugins/chaos/proxy/plugin_abi.h"

extern "C" SP_EXPORT const sp_plugin_descriptor* stressplan_plugin_entry(void) {
  return sp::proxy::plugin_descriptor();
}
