// The host's function table as the engine uses it: its clock (so every timestamp agrees with
// the host's) and its log, each checked against the table's struct_size.
#pragma once

#include <cstdint>

#include "stressplan/plugin.h"

namespace sp::http {

class HostApi {
 public:
  HostApi(const sp_host_api* api, void* ctx);

  // The host clock (CLOCK_MONOTONIC nanoseconds); CLOCK_MONOTONIC itself if the host has none.
  uint64_t NowNs() const;
  void Log(sp_log_level level, const char* message) const;

 private:
  uint64_t (*now_)(void*) = nullptr;
  void (*log_)(void*, sp_log_level, const char*) = nullptr;
  void* ctx_ = nullptr;
};

}  // namespace sp::http
