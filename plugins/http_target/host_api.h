// The host's function table as the engine uses it: its clock (so every timestamp agrees with
// the host's), its log, each checked against the table's struct_size, and its ABI version.
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
  // The host speaks ABI 1.`minor` or later (e.g. 4: it takes SP_RESULT_MORE results).
  bool AtLeastMinor(uint16_t minor) const { return minor_ >= minor; }

 private:
  uint64_t (*now_)(void*) = nullptr;
  void (*log_)(void*, sp_log_level, const char*) = nullptr;
  void* ctx_ = nullptr;
  uint16_t minor_ = 0;  // 0 for a host of another major (never loads us) or without a table
};

}  // namespace sp::http
