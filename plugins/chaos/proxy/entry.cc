// The plugin library's one exported symbol (see include/stressplan/plugin.h).
#include "plugins/chaos/proxy/plugin_abi.h"

SP_PLUGIN_ENTRY { return sp::proxy::PluginDescriptor(); }
