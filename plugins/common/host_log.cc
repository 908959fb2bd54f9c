#include "plugins/common/host_log.h"

namespace sp::plugin_common {

void HostLog(const sp_host_api* host, void* host_ctx, sp_log_level level,
             const std::string& message) {
  if (host != nullptr && host->log != nullptr) host->log(host_ctx, level, message.c_str());
}

}  // namespace sp::plugin_common
