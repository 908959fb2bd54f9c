#include "plugins/chaos/proxy/loop_context.h"

namespace sp::proxy {

void LoopContext::log(sp_log_level level, const std::string& message) const {
  if (host != nullptr && host->log != nullptr) host->log(host_ctx, level, message.c_str());
}

}  // namespace sp::proxy
