// The plugin library's one exported symbol (see include/stressplan/plugin.h).
#include "plugins/http_target/plugin_abi.h"

SP_PLUGIN_ENTRY { return sp::http::PluginDescriptor(); }
