#include "plugins/http_target/host_api.h"

#include <cstddef>
#include <ctime>

namespace sp::http {

HostApi::HostApi(const sp_host_api* api, void* ctx) : ctx_(ctx) {
  if (api == nullptr) return;
  if (api->abi_major == SP_ABI_VERSION_MAJOR) minor_ = api->abi_minor;
  if (api->struct_size >= offsetof(sp_host_api, now_ns) + sizeof api->now_ns) now_ = api->now_ns;
  if (api->struct_size >= offsetof(sp_host_api, log) + sizeof api->log) log_ = api->log;
}

uint64_t HostApi::NowNs() const {
  if (now_ != nullptr) return now_(ctx_);
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

void HostApi::Log(sp_log_level level, const char* message) const {
  if (log_ != nullptr) log_(ctx_, level, message);
}

}  // namespace sp::http
