#include "plugins/chaos/proxy/loop_context.h"

#include "plugins/common/host_log.h"

namespace sp::proxy {

void LoopContext::Log(sp_log_level level, const std::string& message) const {
  plugin_common::HostLog(host, host_ctx, level, message);
}

}  // namespace sp::proxy
