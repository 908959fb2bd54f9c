// The plugin library's one exported symbol (see include/stressplan/plugin.h).
#include "plugins/chaos/process/plugin_abi.h"

SP_PLUGIN_ENTRY {
  return sp::fault_process::plugin_descriptor();
}
