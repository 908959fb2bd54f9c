// Logging through the host's function table (plugin.h: sp_host_api.log) from anywhere in a
// plugin, whether or not the host handed a table.
#pragma once

#include <string>

#include "stressplan/plugin.h"

namespace sp::plugin_common {

// host->log(host_ctx, level, message) when the host has a log; nothing otherwise.
void HostLog(const sp_host_api* host, void* host_ctx, sp_log_level level,
             const std::string& message);

}  // namespace sp::plugin_common
